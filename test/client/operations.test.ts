// Each operation through the client against real HTTP servers on 127.0.0.1 and the Prism mock, and
// request(), the one for tools that judge answers themselves. Pages are pagination.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { AdaValidationError, ContractViolationError } from '../../src/client/errors.js';
import { json } from '../helpers/http-server.js';
import { END_USER_ID, mockClient, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { client, closeServers, failure, ok, serve, status } from '../helpers/client.js';

afterEach(closeServers);

describe('getEndUser', () => {
  it('GETs /v2/end-users/{id} with the token and resolves to the end user', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    expect(await client(server).ada.getEndUser(END_USER_ID)).toEqual(seedResponse());
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: `/v2/end-users/${END_USER_ID}`, body: '' });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it('404 is a NotFoundError, not retried', async () => {
    const server = await serve(status(404));
    expect(await failure(client(server).ada.getEndUser('nope'))).toMatchObject({ name: 'NotFoundError', status: 404 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('findEndUserByExternalId', () => {
  it('looks up by external_id: the end user, or null for 404', async () => {
    const server = await serve((req, res, n) =>
      req.url.endsWith('=known-crm-1') ? json(res, 200, seedResponse()) : status(404)(req, res, n),
    );
    const { ada } = client(server);
    expect(await ada.findEndUserByExternalId('known-crm-1')).toEqual(seedResponse());
    expect(await ada.findEndUserByExternalId('unknown')).toBe(null);
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /v2/end-users/?external_id=known-crm-1',
      'GET /v2/end-users/?external_id=unknown',
    ]);
  });

  it('an external_id is percent-encoded into the query', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    await client(server).ada.findEndUserByExternalId('a b&c=d');
    expect(server.requests[0]!.url).toBe('/v2/end-users/?external_id=a%20b%26c%3Dd');
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(37), 'must be at most 36 characters'],
    ['a<b', 'must not contain < or >'],
  ])('%j is refused before anything is sent', async (externalId, message) => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client(server).ada.findEndUserByExternalId(externalId));
    expect(error).toBeInstanceOf(AdaValidationError);
    expect((error as AdaValidationError).issues).toEqual([{ path: '/external_id', in: 'query', keyword: expect.any(String), message }]);
    expect(server.requests).toHaveLength(0);
  });

  it('a page where the end user belongs: ContractViolationError naming the mix-up', async () => {
    const server = await serve((_req, res) => json(res, 200, { data: [seedResponse()], meta: { next_page_url: null } }));
    const error = await failure(client(server).ada.findEndUserByExternalId('crm-1'));
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error.message).toContain('must be the one end user a lookup by external_id answers with, not a page');
  });
});

describe('createEndUser', () => {
  it('POSTs the body to /v2/end-users/: created for 201, not for 200 (the upsert)', async () => {
    const server = await serve((req, res) => json(res, JSON.parse(req.body).external_id === 'taken' ? 200 : 201, seedResponse()));
    const { ada } = client(server);
    expect(await ada.createEndUser({ external_id: 'new', profile: { first_name: 'Ada' } })).toEqual({
      endUser: seedResponse(),
      created: true,
    });
    expect(await ada.createEndUser({ external_id: 'taken' })).toEqual({ endUser: seedResponse(), created: false });
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v2/end-users/' });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ external_id: 'new', profile: { first_name: 'Ada' } });
  });

  it('a key both in metadata and in sensitive fields is refused before anything is sent', async () => {
    const server = await serve((_req, res) => json(res, 201, seedResponse()));
    const error = await failure(
      client(server).ada.createEndUser({ profile: { metadata: { plan: 'pro' }, sensitive_metadata: { fields: { plan: 'x' } } } }),
    );
    expect(error).toMatchObject({
      name: 'AdaValidationError',
      issues: [{ path: '/profile/sensitive_metadata/fields/plan', keyword: 'x-disjoint-keys' }],
    });
    expect(server.requests).toHaveLength(0);
  });

  it('another 2xx than 200 or 201: ContractViolationError naming the status', async () => {
    const server = await serve((_req, res) => json(res, 202, seedResponse()));
    const error = await failure(client(server).ada.createEndUser({}));
    expect(error).toMatchObject({
      name: 'ContractViolationError',
      status: 202,
      issues: [{ keyword: 'status', message: 'must be a status createEndUser answers with (200, 201)' }],
    });
  });
});

describe('request(): any operation, any answer, for tools that judge answers themselves', () => {
  it('returns a 4xx as received (status, headers, body text), without retrying it', async () => {
    const server = await serve((_req, res) =>
      json(res, 404, { errors: [{ type: 'not_found', message: 'no such end user' }] }, { 'x-trace': 't1' }),
    );
    const { ada, retries } = client(server);
    const answer = await ada.request('getEndUser', { path: { end_user_id: 'x' } });
    expect([answer.status, answer.headers.get('x-trace'), JSON.parse(answer.text)]).toEqual([
      404,
      't1',
      { errors: [{ type: 'not_found', message: 'no such end user' }] },
    ]);
    expect(retries).toEqual([]);
  });

  it('retries what the core retries (429, 5xx), then returns the last answer instead of throwing', async () => {
    const server = await serve(status(429, { 'retry-after': '0' }));
    const { ada, retries } = client(server, { maxRetries: 2 });
    const answer = await ada.request('listEndUsers', { query: { limit: 1 } });
    expect(answer.status).toBe(429);
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('a 2xx body that is not JSON comes back as text (judging it is the caller’s job)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"end_user_id": "5f7e');
    });
    const { ada } = client(server);
    expect(await ada.request('getEndUser', { path: { end_user_id: 'x' } })).toMatchObject({ status: 200, text: '{"end_user_id": "5f7e' });
  });

  it('sends a next_page_url’s query as written (rawQuery), and a create without external_id only once on a 500', async () => {
    const server = await serve(status(500));
    const { ada } = client(server, { maxRetries: 2 });
    await ada.request('listEndUsers', { rawQuery: 'cursor=abc&limit=2' });
    expect(server.requests.map((r) => r.url)).toEqual(Array(3).fill('/v2/end-users/?cursor=abc&limit=2'));
    const before = server.requests.length;
    expect((await ada.request('createEndUser', { body: { profile: {} } })).status).toBe(500);
    expect(server.requests.length - before).toBe(1);
    expect((await ada.request('createEndUser', { body: { external_id: 'crm-1' } })).status).toBe(500);
    expect(server.requests.length - before).toBe(4); // an upsert by external_id may be sent again
  });

  it('checks the request as every call does: the contract’s rules (unless validateRequests: false) and the path always', async () => {
    const server = await serve(ok);
    const { ada } = client(server);
    await expect(ada.request('listEndUsers', { query: { limit: 0 } })).rejects.toBeInstanceOf(AdaValidationError);
    const lax = client(server, { validateRequests: false }).ada;
    expect((await lax.request('listEndUsers', { query: { limit: 0 } })).status).toBe(200);
    await expect(lax.request('getEndUser', { path: { end_user_id: '..' } })).rejects.toBeInstanceOf(AdaValidationError);
    expect(server.requests.map((r) => r.url)).toEqual(['/v2/end-users/?limit=0']);
  });
});

describe('every method against the Prism mock', () => {
  it('get, list (one page, and every end user), find (Prefer: example=lookup), create (200 and 201)', async () => {
    const ada = mockClient({ validateResponses: true });
    expect((await ada.getEndUser(END_USER_ID)).end_user_id).toBe(END_USER_ID);
    const page = await ada.listEndUsers({ limit: 100 });
    expect(page.data.length).toBeGreaterThan(0);
    expect(await ada.findEndUserByExternalId('crm-contact-00123', { headers: { Prefer: 'example=lookup' } })).toMatchObject({
      end_user_id: END_USER_ID,
    });
    expect(await ada.createEndUser({ external_id: 'crm-contact-00123' })).toMatchObject({ created: false });
    expect(await ada.createEndUser({}, { headers: { Prefer: 'code=201' } })).toMatchObject({ created: true });
  });
});
