// The client against real HTTP servers on 127.0.0.1: what goes on the wire, how errors come back,
// and that the token never leaves the Authorization header.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, type AdaClientOptions } from '../../src/client/client.js';
import { AdaApiError, AdaError } from '../../src/client/errors.js';
import { json, startServer, type TestServer } from '../helpers/http-server.js';
import { END_USER_ID, seedRequest, seedResponse, TEST_TOKEN } from '../helpers/support.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function expectNoToken(...values: unknown[]) {
  for (const value of values) {
    const text = typeof value === 'string' ? value : `${inspect(value, { depth: 10, showHidden: true })}${JSON.stringify(value)}`;
    expect(text).not.toContain(TEST_TOKEN);
  }
}

describe('requests on the wire', () => {
  it('PATCHes JSON to /v2/end-users/{id} with the token only as a Bearer Authorization header', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const client = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN });
    const user = await client.updateEndUser(END_USER_ID, seedRequest() as never);

    expect(user).toEqual(seedResponse());
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'PATCH', url: `/v2/end-users/${END_USER_ID}` });
    expect(request!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    expect(request!.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request!.body)).toEqual(seedRequest());
    const { authorization: _auth, ...otherHeaders } = request!.headers;
    expectNoToken(request!.url, request!.body, JSON.stringify(otherHeaders));
  });

  it('percent-encodes the end user id into one path segment', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN }).updateEndUser('a/b c?d', { profile: {} });
    expect(server.requests[0]!.url).toBe('/v2/end-users/a%2Fb%20c%3Fd');
  });

  it('keeps a base URL path prefix and ignores a trailing slash', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    await createAdaClient({ baseUrl: `${server.url}/proxy/api/`, token: TEST_TOKEN }).updateEndUser('x', { profile: {} });
    expect(server.requests[0]!.url).toBe('/proxy/api/v2/end-users/x');
  });

  it('builds https://{instance}.ada.support/api from instance, regional hosts included', async () => {
    const seen: string[] = [];
    const client = createAdaClient({
      instance: 'acme.eu',
      token: TEST_TOKEN,
      // fetch is the client's documented injection point; URL building crosses no network.
      fetch: async (request) => {
        seen.push(request.url);
        return new Response(JSON.stringify(seedResponse()), { headers: { 'content-type': 'application/json' } });
      },
    });
    await client.updateEndUser('x', { profile: {} });
    expect(seen).toEqual(['https://acme.eu.ada.support/api/v2/end-users/x']);
  });

  it('exposes the typed openapi-fetch client, with auth applied', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const { fetchClient } = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN });
    const { data, response } = await fetchClient.PATCH('/v2/end-users/{end_user_id}', {
      params: { path: { end_user_id: 'x' } },
      body: { profile: { first_name: 'Ada' } },
    });
    expect(response.status).toBe(200);
    expect(data?.end_user_id).toBe(seedResponse().end_user_id);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it('passes the caller’s AbortSignal to the request', async () => {
    server = await startServer((_req, res) => setTimeout(() => json(res, 200, seedResponse()), 2000));
    const client = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    // Without the signal the server's 200 would arrive and the call would resolve.
    await expect(client.updateEndUser('x', { profile: {} }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('errors', () => {
  it('throws AdaApiError with status, parsed errors and headers for a non-2xx answer', async () => {
    const errors = [{ type: 'conflict', message: 'external_id taken', details: null }];
    server = await startServer((_req, res) => json(res, 409, { errors }, { 'x-request-id': 'req_123' }));
    const error = await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN })
      .updateEndUser('x', { external_id: 'crm-1', profile: {} })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toBeInstanceOf(AdaError);
    expect(error).toMatchObject({ name: 'ConflictError', status: 409, errors, message: 'Ada API responded 409: external_id taken' });
    expect((error as AdaApiError).headers.get('x-request-id')).toBe('req_123');
  });

  it('throws AdaApiError with no errors for a non-JSON error page', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const error = await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN, maxRetries: 0 })
      .updateEndUser('x', { profile: {} })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, errors: [], message: 'Ada API responded 502: no error message in the response body' });
  });

  it('never carries the token: message, stack, JSON, inspect, and headers echoed by the server', async () => {
    server = await startServer((req, res) =>
      json(res, 401, { errors: [{ type: 'unauthorized', message: 'bad key' }] }, { authorization: String(req.headers.authorization) }),
    );
    const error = (await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN })
      .updateEndUser('x', { profile: {} })
      .catch((e: unknown) => e)) as AdaApiError;
    expect(error.status).toBe(401);
    expect(error.headers.get('authorization')).toBe('[redacted]');
    expectNoToken(error, error.message, error.stack, String(error), [...error.headers].join());
  });

  it('does not expose the token through the client object either', () => {
    const client = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN });
    expectNoToken(client, client.fetchClient);
  });
});

describe('bad options fail at once, naming the option and the rule, never echoing the token', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['neither instance nor baseUrl', { token: TEST_TOKEN }, /exactly one of instance or baseUrl/],
    [
      'both instance and baseUrl',
      { instance: 'acme', baseUrl: 'http://127.0.0.1', token: TEST_TOKEN },
      /exactly one of instance or baseUrl/,
    ],
    ['an instance that is not a host label', { instance: 'acme/evil', token: TEST_TOKEN }, /instance must be a host label/],
    ['a relative baseUrl', { baseUrl: '/api', token: TEST_TOKEN }, /baseUrl must be an absolute http\(s\) URL/],
    ['a baseUrl without scheme', { baseUrl: 'localhost:4010', token: TEST_TOKEN }, /baseUrl must be an absolute http\(s\) URL/],
    ['a non-http baseUrl', { baseUrl: 'ftp://example.com', token: TEST_TOKEN }, /baseUrl must be an absolute http\(s\) URL/],
    [
      'credentials in baseUrl',
      { baseUrl: `https://user:${TEST_TOKEN}@example.com`, token: TEST_TOKEN },
      /baseUrl must not contain credentials/,
    ],
    ['no token', { instance: 'acme' }, /token must be a non-empty string/],
    ['an empty token', { instance: 'acme', token: '' }, /token must be a non-empty string/],
    [
      'a token with a newline',
      { instance: 'acme', token: `${TEST_TOKEN}\nX-Evil: 1` },
      /token must be a non-empty string without whitespace/,
    ],
  ];
  it.each(cases)('%s', (_name, options, message) => {
    let thrown: unknown;
    try {
      createAdaClient(options as AdaClientOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(message);
    expectNoToken(thrown, (thrown as Error).message);
  });
});
