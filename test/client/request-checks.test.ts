// What the client refuses before anything is sent: ids and query values no URL can carry, bodies JSON
// cannot carry or the contract forbids, headers no request can carry; each fails once, locally.
import { afterEach, describe, expect, it } from 'vitest';
import { AdaValidationError } from '../../src/client/errors.js';
import { json } from '../helpers/http-server.js';
import { seedResponse } from '../helpers/support.js';
import { client, closeServers, failure, ok, serve, status } from '../helpers/client.js';

afterEach(closeServers);

describe('end-user ids that cannot name one end user are refused before anything is sent', () => {
  const ids: Array<[string, string, string]> = [
    ['.', 'path-segment', 'must not be "." or ".."'],
    ['..', 'path-segment', 'must not be "." or ".."'],
    ['', 'minLength', 'must not be empty'],
    ['ab\uD800cd', 'unicode', 'must be well-formed Unicode'],
  ];
  it.each(ids)('%j', async (id, keyword, message) => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client(server, { validateRequests: false }); // the URL rules hold either way
    const error = await failure(ada.updateEndUser(id, { profile: {} }));
    expect(error).toBeInstanceOf(AdaValidationError);
    expect((error as AdaValidationError).issues).toEqual([
      { path: '/end_user_id', in: 'path', keyword, message: expect.stringContaining(message) },
    ]);
    expect(error.message).toContain('end_user_id (path parameter): ');
    expect(server.requests).toHaveLength(0);
    expect(retries).toEqual([]);
  });

  type Ada = ReturnType<typeof client>['ada'];
  const calls: Array<[string, string, (ada: Ada) => PromiseLike<unknown>]> = [
    ['findEndUserByExternalId', 'external_id', (ada) => ada.findEndUserByExternalId('a\ud800')],
    ['listEndUsers', 'cursor', (ada) => ada.listEndUsers({ cursor: '\ud800' })],
    ['request', 'external_id', (ada) => ada.request('listEndUsers', { query: { external_id: '\udfffz' } })],
  ];
  it.each(calls)(
    'a lone surrogate in a query value (%s): an AdaValidationError naming the query parameter, not a URIError, even unvalidated',
    async (_name, parameter, call) => {
      const server = await serve((_req, res) => json(res, 200, seedResponse()));
      for (const validateRequests of [true, false]) {
        const error = await failure(Promise.resolve().then(() => call(client(server, { validateRequests }).ada)));
        expect(error).toBeInstanceOf(AdaValidationError);
        expect((error as AdaValidationError).issues).toEqual([
          { path: `/${parameter}`, in: 'query', keyword: 'unicode', message: expect.stringContaining('must be well-formed Unicode') },
        ]);
      }
      expect(server.requests).toHaveLength(0);
    },
  );

  it('a non-string id is refused the same way', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client(server).ada.updateEndUser(42 as never, { profile: {} }));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/end_user_id', in: 'path', keyword: 'type' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('ids with dots inside, slashes and spaces are still one segment', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada } = client(server);
    for (const id of ['...', '.a', 'a..b', '%2e%2e', 'a/../b']) await ada.updateEndUser(id, { profile: {} });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v2/end-users/...',
      '/v2/end-users/.a',
      '/v2/end-users/a..b',
      '/v2/end-users/%252e%252e',
      '/v2/end-users/a%2F..%2Fb',
    ]);
  });
});

describe('local failures fail once, locally, with their own message', () => {
  const cyclic = () => {
    const profile: Record<string, unknown> = { first_name: 'Ada' };
    profile.self = profile;
    return { profile };
  };
  const bodies: Array<[string, () => unknown, string, RegExp]> = [
    ['a BigInt', () => ({ profile: { metadata: { seats: 5n } } }), '/profile/metadata/seats', /is a BigInt/],
    ['a cycle', cyclic, '/profile/self', /a cycle/],
  ];
  it.each(bodies)(
    'validateRequests: false and a body with %s: AdaValidationError at its place, nothing sent',
    async (_name, body, path, message) => {
      const server = await serve((_req, res) => json(res, 200, seedResponse()));
      const { ada, retries } = client(server, { validateRequests: false });
      const error = await failure(ada.updateEndUser('x', body() as never));
      expect(error).toBeInstanceOf(AdaValidationError);
      expect((error as AdaValidationError).issues).toEqual([{ path, keyword: 'json', message: expect.stringMatching(message) }]);
      expect(server.requests).toHaveLength(0);
      expect(retries).toEqual([]);
    },
  );

  it('with validation on, the contract names the same values (and the send is still refused)', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client(server).ada.updateEndUser('x', { profile: { metadata: { seats: 5n } } } as never));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/profile/metadata/seats', keyword: 'type' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('a middleware that throws: its own error, once, not a connection error', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client(server);
    ada.fetchClient.use({
      onRequest: () => {
        throw new RangeError('middleware says no');
      },
    });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('middleware says no');
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('a per-call header no HTTP request can carry: a TypeError naming it, nothing sent', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client(server);
    await expect(ada.updateEndUser('x', { profile: {} }, { headers: { 'x-note': 'line\r\nInjected: 1' } })).rejects.toThrow(
      'updateEndUser: headers["x-note"] must be a string of one line',
    );
    await expect(ada.updateEndUser('x', { profile: {} }, { headers: { 'bad name': 'v' } })).rejects.toThrow(
      /"bad name" is not a valid header name/,
    );
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('request validation', () => {
  it('a body the contract forbids fails before anything is sent, with every issue', async () => {
    const server = await serve(ok);
    const body = { external_id: 'x'.repeat(37), profile: { firstName: 'Ada' } };
    const error = await failure(client(server).ada.updateEndUser('x', body as never));
    expect(error).toBeInstanceOf(AdaValidationError);
    expect((error as AdaValidationError).issues.map((i) => i.path)).toEqual(['/external_id', '/profile/firstName']);
    expect(error.message).toContain('/external_id: must be at most 36 characters');
    expect(server.requests).toHaveLength(0);
  });

  it('validateRequests: false sends it anyway', async () => {
    const server = await serve(status(400));
    await failure(client(server, { validateRequests: false }).ada.updateEndUser('x', { profile: { firstName: 'Ada' } } as never));
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ profile: { firstName: 'Ada' } });
  });
});
