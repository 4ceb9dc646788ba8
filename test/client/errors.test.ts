// The errors the client throws: a class per status, answers that break the contract, and the token,
// which no error, header, cause or view of one ever carries.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient } from '../../src/client/client.js';
import {
  AdaApiError,
  AdaConnectionError,
  AdaError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContractViolationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RedirectError,
  UnprocessableEntityError,
} from '../../src/client/errors.js';
import { json } from '../helpers/http-server.js';
import { mockClient, seedRequest, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';
import { client, closeServers, expectNoToken, failure, serve, status } from '../helpers/client.js';

afterEach(closeServers);

describe('a class per status (never retried)', () => {
  it('throws AdaApiError with status, parsed errors and headers for a non-2xx answer', async () => {
    const errors = [{ type: 'conflict', message: 'external_id taken', details: null }];
    const server = await serve((_req, res) => json(res, 409, { errors }, { 'x-request-id': 'req_123' }));
    const error = await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN })
      .updateEndUser('x', { external_id: 'crm-1', profile: {} })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toBeInstanceOf(AdaError);
    expect(error).toMatchObject({ name: 'ConflictError', status: 409, errors, message: 'Ada API responded 409: external_id taken' });
    expect((error as AdaApiError).headers.get('x-request-id')).toBe('req_123');
  });

  const noRetry: Array<[number, new (...args: never[]) => AdaApiError]> = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
  ];

  it.each(noRetry)('%i is never retried and throws its own class', async (code, ErrorClass) => {
    const server = await serve(status(code));
    const { call, retries } = client(server);
    const error = await failure(call());
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toMatchObject({ status: code, message: `Ada API responded ${code}: answer ${code}` });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])('%i is a RedirectError: not followed, not retried, its Location kept', async (code) => {
    const server = await serve((_req, res) => {
      res.writeHead(code, { location: 'https://elsewhere.invalid/v2/end-users/x' });
      res.end();
    });
    const { call, retries } = client(server);
    const error = await failure(call());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toMatchObject({ status: code, message: `Ada API responded ${code}: a redirect, which the client does not follow` });
    expect((error as AdaApiError).headers.get('location')).toBe('https://elsewhere.invalid/v2/end-users/x');
    expect(retries).toEqual([]);
  });

  it('a redirect a browser hides (an opaque redirect through a fetch): a RedirectError of status 0 that says so', async () => {
    // What Chromium's fetch hands back for `redirect: 'manual'` (test/runtimes runs the real one).
    const opaque = () => {
      const response = new Response(null);
      Object.defineProperties(response, { type: { value: 'opaqueredirect' }, status: { value: 0 }, ok: { value: false } });
      return response;
    };
    const server = await serve(status(500));
    const { call, retries } = client(server, { fetch: async () => opaque() });
    const error = await failure(call());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error).toMatchObject({
      status: 0,
      message: 'Ada API responded with a redirect (the browser hides its status), which the client does not follow',
    });
    expect(retries).toEqual([]);
  });

  it('an unlisted 4xx is a plain AdaApiError, not retried', async () => {
    const server = await serve(status(418));
    const error = await failure(client(server).call());
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error.name).toBe('AdaApiError');
    expect(server.requests).toHaveLength(1);
  });

  it('requestId comes from x-request-id', async () => {
    const server = await serve(status(404, { 'x-request-id': 'req_42' }));
    expect(await failure(client(server).call())).toMatchObject({ requestId: 'req_42' });
  });
});

describe('bodies that break the contract', () => {
  it('malformed JSON on 200: ContractViolationError, not retried', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"end_user_id": ');
    });
    const error = await failure(client(server).call());
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error).toMatchObject({ status: 200, issues: [{ path: '', keyword: 'json', message: 'must be JSON, but does not parse' }] });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [204, 'status'],
    [200, 'json'],
  ])('an empty %i body: ContractViolationError (%s: the contract promises an end user with 200)', async (code, keyword) => {
    const server = await serve((_req, res) => {
      res.writeHead(code, code === 204 ? {} : { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
    });
    const error = await failure(client(server).call());
    expect(error).toMatchObject({ name: 'ContractViolationError', status: code, issues: [{ path: '', keyword }] });
  });

  it('a non-JSON 502 page: InternalServerError with no errors, after the retries', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    const error = await failure(client(server).call());
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, errors: [], message: 'Ada API responded 502: no error message in the response body' });
    expect(server.requests).toHaveLength(3);
  });

  it('validateResponses: a 200 that breaks the contract throws ContractViolationError naming each problem', async () => {
    const leaky = seedResponse();
    leaky.created_at = 'yesterday';
    leaky.profile.sensitive_metadata = { fields: { auth_token: 'x' } };
    const server = await serve((_req, res) => json(res, 200, leaky));
    const error = await failure(client(server, { validateResponses: true }).call());
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).issues.map(({ path, keyword }) => ({ path, keyword }))).toEqual([
      { path: '/profile/sensitive_metadata', keyword: 'not' },
      { path: '/created_at', keyword: 'format' },
    ]);
    expect(error.message).toContain('/profile/sensitive_metadata: must not be present');
  });

  it('without validateResponses the same body is returned as is', async () => {
    const odd = seedResponse();
    odd.created_at = 'yesterday';
    const server = await serve((_req, res) => json(res, 200, odd));
    expect(await client(server).call()).toEqual(odd);
  });

  it('validateResponses: an error body not in the errors[] shape throws ContractViolationError with its status', async () => {
    const server = await serve((_req, res) => json(res, 409, { error: 'taken' }));
    const error = await failure(client(server, { validateResponses: true }).call());
    expect(error).toMatchObject({ name: 'ContractViolationError', status: 409, issues: [{ path: '/errors', keyword: 'required' }] });
  });

  it('validateResponses against the Prism mock: the seed exchange passes', async () => {
    const user = await mockClient({ validateResponses: true }).updateEndUser('x', seedRequest() as never);
    expect(user).toEqual(seedResponse());
  });
});

describe('the token never leaks, and a short one shreds nothing else', () => {
  const views = (error: unknown) => [
    inspect(error, { depth: 20, showHidden: true }),
    JSON.stringify(error),
    String(error),
    (error as Error).stack,
  ];

  it('validateResponses: a response echoing the token as a metadata key', async () => {
    const leaky = seedResponse();
    leaky.profile.metadata = { [TEST_TOKEN]: 1.5 }; // a float: the key lands in the issue's path
    const server = await serve((_req, res) => json(res, 200, leaky));
    const error = (await failure(
      client(server, { validateResponses: true }).ada.updateEndUser('x', { profile: {} }),
    )) as ContractViolationError;
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error.issues).toEqual([expect.objectContaining({ path: '/profile/metadata/[redacted]', keyword: 'type' })]);
    for (const view of views(error)) expect(view).not.toContain(TEST_TOKEN);
  });

  it('a request body that holds the token as a key: AdaValidationError without it', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client(server).ada.updateEndUser('x', { profile: { metadata: { [TEST_TOKEN]: 1.5 } } }));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/profile/metadata/[redacted]' }] });
    for (const view of views(error)) expect(view).not.toContain(TEST_TOKEN);
  });

  it('a one-character token: redacted where it stands alone, not inside words', async () => {
    const port = await freePort();
    const ada = createAdaClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error.message).toMatch(/^could not reach Ada: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

    const server = await serve((_req, res) =>
      json(res, 401, { errors: [{ type: 'unauthorized', message: 'token t is not valid: Bearer t' }] }),
    );
    const echoed = await failure(createAdaClient({ baseUrl: server.url, token: 't' }).updateEndUser('x', { profile: {} }));
    expect(echoed.message).toBe('Ada API responded 401: token [redacted] is not valid: Bearer [redacted]');
  });

  it('a token in its percent-encoded and JSON-escaped forms is redacted too', async () => {
    const token = 'abc/def+ghi=jkl"mno';
    const server = await serve((_req, res) =>
      json(res, 400, { errors: [{ type: 'x', message: `${encodeURIComponent(token)} ${JSON.stringify(token)} ${token}` }] }),
    );
    const error = await failure(createAdaClient({ baseUrl: server.url, token }).updateEndUser('x', { profile: {} }));
    expect(error.message).toBe('Ada API responded 400: [redacted] "[redacted]" [redacted]');
  });

  it('an answer that echoes the token: scrubbed from message, errors, headers, JSON, inspect and stack', async () => {
    const server = await serve((req, res) =>
      json(
        res,
        401,
        { errors: [{ type: 'unauthorized', message: `key ${req.headers.authorization} refused`, details: TEST_TOKEN }] },
        {
          authorization: String(req.headers.authorization),
          'x-debug': `token=${TEST_TOKEN}`,
        },
      ),
    );
    const error = (await failure(client(server).call())) as AdaApiError;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('Ada API responded 401: key Bearer [redacted] refused');
    expect(error.headers.get('authorization')).toBe('[redacted]');
    expect(error.headers.get('x-debug')).toBe('token=[redacted]');
    for (const view of [
      error.message,
      String(error),
      error.stack,
      JSON.stringify(error),
      inspect(error, { depth: 10, showHidden: true }),
      [...error.headers].join(),
    ]) {
      expect(view).not.toContain(TEST_TOKEN);
    }
  });

  it('a fetch that fails with the request (and its token) attached: the cause chain is sanitized', async () => {
    const ada = createAdaClient({
      baseUrl: 'http://127.0.0.1:1',
      token: TEST_TOKEN,
      maxRetries: 0,
      fetch: async (request) => {
        const inner = Object.assign(new Error(`socket closed for ${request.headers.get('authorization')}`), {
          code: 'ECONNRESET',
          request,
        });
        throw new TypeError('fetch failed', { cause: inner });
      },
    });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toBe('could not reach Ada: ECONNRESET (socket closed for Bearer [redacted])');
    const chain: unknown[] = [];
    for (let e: unknown = error; e; e = (e as Error).cause) chain.push(e);
    expect(chain).toHaveLength(3);
    for (const link of chain) {
      expect(inspect(link, { depth: 10, showHidden: true })).not.toContain(TEST_TOKEN);
      expect(link).not.toHaveProperty('request');
    }
  });

  it('does not expose the token through the client object either', () => {
    const client = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN });
    expectNoToken(client, client.fetchClient);
  });
});
