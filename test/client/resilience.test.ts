// The production client against real HTTP servers on 127.0.0.1 that inject faults: which errors it
// throws, how often it tries, how long it waits (an injected sleep records the backoff instead of
// waiting, so the suite stays fast), and that the token never leaks.
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, type AdaClientOptions, type RetryInfo } from '../../src/client/client.js';
import {
  AdaApiError,
  AdaConnectionError,
  type AdaError,
  AdaTimeoutError,
  AdaValidationError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContractViolationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../../src/client/errors.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../src/client/retry.js';
import { json, startServer, type RecordedRequest, type TestServer } from '../helpers/http-server.js';
import { mockClient, seedRequest, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Answer = (request: RecordedRequest, response: ServerResponse, attempt: number) => void;

/** A server that answers attempt n (1-based) with answers[n-1], repeating the last one. */
async function serve(...answers: Answer[]) {
  server = await startServer((request, response) => {
    const attempt = server!.requests.length;
    answers[Math.min(attempt, answers.length) - 1]!(request, response, attempt);
  });
  return server;
}

const ok: Answer = (_req, res) => json(res, 200, seedResponse());
const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) =>
    json(res, code, { errors: [{ type: `error_${code}`, message: `answer ${code}` }] }, headers);
const never: Answer = () => {}; // accepts, reads the request, never answers

function client(extra: Partial<AdaClientOptions> = {}) {
  const retries: RetryInfo[] = [];
  const ada = createAdaClient({
    baseUrl: server!.url,
    token: TEST_TOKEN,
    onRetry: (info) => retries.push(info),
    sleep: async () => {}, // backoff is recorded by onRetry, not waited for
    ...extra,
  } as AdaClientOptions);
  return { ada, retries, call: () => ada.updateEndUser('x', { profile: { first_name: 'Ada' } }) };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as AdaError,
  );

describe('retries', () => {
  it('500 then 200: resolves after one retry, reporting it', async () => {
    await serve(status(500), ok);
    const { call, retries } = client();
    expect(await call()).toEqual(seedResponse());
    expect(server!.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, error: expect.any(InternalServerError) });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.initialDelayMs);
  });

  it('a burst of 429s exhausts the default 2 retries and throws RateLimitError', async () => {
    await serve(status(429));
    const { call, retries } = client();
    const error = await failure(call());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, errors: [{ type: 'error_429', message: 'answer 429' }] });
    expect(server!.requests).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('per-call maxRetries overrides the client’s', async () => {
    await serve(status(503));
    const { ada } = client({ maxRetries: 0 });
    await failure(ada.updateEndUser('x', { profile: {} }, { maxRetries: 4 }));
    expect(server!.requests).toHaveLength(5);
  });

  it('429 with Retry-After in seconds waits exactly that long', async () => {
    await serve(status(429, { 'retry-after': '2' }), ok);
    const { call, retries } = client();
    await call();
    expect(retries.map((r) => r.delayMs)).toEqual([2000]);
  });

  it('429 with Retry-After as an HTTP date waits until then', async () => {
    await serve((req, res, n) => status(429, { 'retry-after': new Date(Date.now() + 3000).toUTCString() })(req, res, n), ok);
    const { call, retries } = client();
    await call();
    // HTTP dates have whole seconds, so the wait is between 2 and 3 seconds.
    expect(retries[0]!.delayMs).toBeGreaterThan(1000);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(3000);
  });

  it('429 without Retry-After backs off exponentially with full jitter, capped', async () => {
    await serve(status(429));
    const { ada, retries } = client({ maxRetries: 6 });
    await failure(ada.updateEndUser('x', { profile: {} }));
    expect(retries).toHaveLength(6);
    retries.forEach(({ attempt, delayMs }) => {
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(
        Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.initialDelayMs * 2 ** (attempt - 1)),
      );
    });
  });

  it('the backoff bound doubles per retry up to the cap; an absurd Retry-After falls back to it', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, undefined, 0, top))).toEqual([
      499, 999, 1999, 3999, 7999, 7999,
    ]);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, undefined, 0, () => 0)).toBe(0);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, new Headers({ 'retry-after': '0.25' }))).toBe(250);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, new Headers({ 'retry-after': '3600' }), 0, top)).toBe(499);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, new Headers({ 'retry-after': 'soon' }), 0, top)).toBe(499);
  });

  it('the real backoff waits (one short retry, timed loosely)', async () => {
    await serve(status(429, { 'retry-after': '0.2' }), ok);
    const started = performance.now();
    await createAdaClient({ baseUrl: server!.url, token: TEST_TOKEN }).updateEndUser('x', { profile: {} });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('408 is retried', async () => {
    await serve(status(408), ok);
    await client().call();
    expect(server!.requests).toHaveLength(2);
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
    await serve(status(code));
    const { call, retries } = client();
    const error = await failure(call());
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toMatchObject({ status: code, message: `Ada API responded ${code}: answer ${code}` });
    expect(server!.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('an unlisted 4xx is a plain AdaApiError, not retried', async () => {
    await serve(status(418));
    const error = await failure(client().call());
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error.name).toBe('AdaApiError');
    expect(server!.requests).toHaveLength(1);
  });
});

describe('connection failures and timeouts', () => {
  it('a connection reset mid-response is retried, then succeeds', async () => {
    await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"end_user_id": "5f7e');
      setTimeout(() => res.socket?.destroy(), 10);
    }, ok);
    const { call, retries } = client();
    expect(await call()).toEqual(seedResponse());
    expect(server!.requests).toHaveLength(2);
    expect(retries[0]!.error).toBeInstanceOf(AdaConnectionError);
  });

  it('resets on every attempt end in AdaConnectionError after the retries', async () => {
    await serve((_req, res) => res.socket?.destroy());
    const error = await failure(client().call());
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error).not.toBeInstanceOf(AdaTimeoutError);
    expect(error.message).toMatch(/^could not reach Ada: /);
    expect(server!.requests).toHaveLength(3);
  });

  it('nothing listening: AdaConnectionError naming ECONNREFUSED', async () => {
    const port = await freePort();
    const ada = createAdaClient({ baseUrl: `http://127.0.0.1:${port}`, token: TEST_TOKEN, maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a server that never answers: AdaTimeoutError per attempt, retried', async () => {
    await serve(never);
    const { ada, retries } = client({ timeoutMs: 100, maxRetries: 1 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaTimeoutError);
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toBe('Ada did not answer within 100 ms');
    expect(server!.requests).toHaveLength(2);
    expect(retries[0]!.error).toBeInstanceOf(AdaTimeoutError);
  });

  it('per-call timeoutMs overrides the client’s', async () => {
    await serve(never);
    const { ada } = client({ maxRetries: 0 }); // client default: 60 s
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { timeoutMs: 50 }));
    expect(error).toMatchObject({ name: 'AdaTimeoutError', message: 'Ada did not answer within 50 ms' });
  });

  it('the caller’s signal aborts at once, with no retry', async () => {
    await serve(never);
    const { ada, retries } = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server!.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('the caller’s signal also cuts a backoff short', async () => {
    await serve(status(503, { 'retry-after': '30' }));
    const controller = new AbortController();
    // The real sleep: it must end when the signal aborts, not after 30 s.
    const ada = createAdaClient({ baseUrl: server!.url, token: TEST_TOKEN, onRetry: () => setTimeout(() => controller.abort(), 20) });
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server!.requests).toHaveLength(1);
  });
});

describe('bodies that break the contract', () => {
  it('malformed JSON on 200: ContractViolationError, not retried', async () => {
    await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"end_user_id": ');
    });
    const error = await failure(client().call());
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error).toMatchObject({ status: 200, issues: [{ path: '', keyword: 'json', message: 'must be JSON, but does not parse' }] });
    expect(server!.requests).toHaveLength(1);
  });

  it.each([
    [204, 'status'],
    [200, 'json'],
  ])('an empty %i body: ContractViolationError (%s: the contract promises an end user with 200)', async (code, keyword) => {
    await serve((_req, res) => {
      res.writeHead(code, code === 204 ? {} : { 'content-type': 'application/json', 'content-length': '0' });
      res.end();
    });
    const error = await failure(client().call());
    expect(error).toMatchObject({ name: 'ContractViolationError', status: code, issues: [{ path: '', keyword }] });
  });

  it('a non-JSON 502 page: InternalServerError with no errors, after the retries', async () => {
    await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>Bad gateway</body></html>');
    });
    const error = await failure(client().call());
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, errors: [], message: 'Ada API responded 502: no error message in the response body' });
    expect(server!.requests).toHaveLength(3);
  });

  it('validateResponses: a 200 that breaks the contract throws ContractViolationError naming each problem', async () => {
    const leaky = seedResponse();
    leaky.created_at = 'yesterday';
    leaky.profile.sensitive_metadata = { fields: { auth_token: 'x' } };
    await serve((_req, res) => json(res, 200, leaky));
    const error = await failure(client({ validateResponses: true }).call());
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
    await serve((_req, res) => json(res, 200, odd));
    expect(await client().call()).toEqual(odd);
  });

  it('validateResponses: an error body not in the errors[] shape throws ContractViolationError with its status', async () => {
    await serve((_req, res) => json(res, 409, { error: 'taken' }));
    const error = await failure(client({ validateResponses: true }).call());
    expect(error).toMatchObject({ name: 'ContractViolationError', status: 409, issues: [{ path: '/errors', keyword: 'required' }] });
  });

  it('validateResponses against the Prism mock: the seed exchange passes', async () => {
    const user = await mockClient({ validateResponses: true }).updateEndUser('x', seedRequest() as never);
    expect(user).toEqual(seedResponse());
  });
});

describe('request validation', () => {
  it('a body the contract forbids fails before anything is sent, with every issue', async () => {
    await serve(ok);
    const body = { external_id: 'x'.repeat(37), profile: { firstName: 'Ada' } };
    const error = await failure(client().ada.updateEndUser('x', body as never));
    expect(error).toBeInstanceOf(AdaValidationError);
    expect((error as AdaValidationError).issues.map((i) => i.path)).toEqual(['/external_id', '/profile/firstName']);
    expect(error.message).toContain('/external_id: must be at most 36 characters');
    expect(server!.requests).toHaveLength(0);
  });

  it('validateRequests: false sends it anyway', async () => {
    await serve(status(400));
    await failure(client({ validateRequests: false }).ada.updateEndUser('x', { profile: { firstName: 'Ada' } } as never));
    expect(JSON.parse(server!.requests[0]!.body)).toEqual({ profile: { firstName: 'Ada' } });
  });
});

describe('errors carry what callers need, and never the token', () => {
  it('requestId comes from x-request-id', async () => {
    await serve(status(404, { 'x-request-id': 'req_42' }));
    expect(await failure(client().call())).toMatchObject({ requestId: 'req_42' });
  });

  it('an answer that echoes the token: scrubbed from message, errors, headers, JSON, inspect and stack', async () => {
    await serve((req, res) =>
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
    const error = (await failure(client().call())) as AdaApiError;
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
});

describe('options', () => {
  it.each([
    [{ maxRetries: -1 }, /createAdaClient: maxRetries must be an integer >= 0/],
    [{ maxRetries: 1.5 }, /createAdaClient: maxRetries must be an integer >= 0/],
    [{ timeoutMs: 0 }, /createAdaClient: timeoutMs must be a positive number of milliseconds/],
    [{ timeoutMs: Number.NaN }, /createAdaClient: timeoutMs must be a positive number of milliseconds/],
  ])('%o is refused', (extra, message) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, ...extra })).toThrow(message);
  });

  it('a bad per-call option is refused too', async () => {
    const ada = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN });
    await expect(ada.updateEndUser('x', { profile: {} }, { timeoutMs: -5 })).rejects.toThrow(
      'updateEndUser: timeoutMs must be a positive number of milliseconds',
    );
  });
});

describe('backoff', () => {
  it('initialDelayMs and maxDelayMs bound each wait (full jitter)', async () => {
    await serve(status(503), status(503), status(503), ok);
    const { call, retries } = client({ maxRetries: 3, backoff: { initialDelayMs: 4, maxDelayMs: 6 } });
    await call();
    const bounds = retries.map((r) => [r.attempt, r.delayMs >= 0 && r.delayMs <= Math.min(6, 4 * 2 ** (r.attempt - 1))]);
    expect(bounds).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
  });

  it.each([
    [{ initialDelayMs: -1 }, 'backoff.initialDelayMs must be a number of milliseconds from 0 to 2147483647'],
    [{ maxDelayMs: 2 ** 31 }, 'backoff.maxDelayMs must be a number of milliseconds from 0 to 2147483647'],
    [{ initial: 5 }, 'backoff.initial is not an option; use initialDelayMs or maxDelayMs'],
    ['fast', 'backoff must be an object { initialDelayMs?, maxDelayMs? }'],
  ])('%o is refused: %s', (backoff, message) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:9', token: TEST_TOKEN, backoff } as never)).toThrow(message);
  });
});

describe('request(): any operation, any answer, for tools that judge answers themselves', () => {
  it('returns a 4xx as received (status, headers, body text), without retrying it', async () => {
    await serve((_req, res) => json(res, 404, { errors: [{ type: 'not_found', message: 'no such end user' }] }, { 'x-trace': 't1' }));
    const { ada, retries } = client();
    const answer = await ada.request('getEndUser', { path: { end_user_id: 'x' } });
    expect([answer.status, answer.headers.get('x-trace'), JSON.parse(answer.text)]).toEqual([
      404,
      't1',
      { errors: [{ type: 'not_found', message: 'no such end user' }] },
    ]);
    expect(retries).toEqual([]);
  });

  it('retries what the core retries (429, 5xx), then returns the last answer instead of throwing', async () => {
    await serve(status(429, { 'retry-after': '0' }));
    const { ada, retries } = client({ maxRetries: 2 });
    const answer = await ada.request('listEndUsers', { query: { limit: 1 } });
    expect(answer.status).toBe(429);
    expect(server!.requests).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('a 2xx body that is not JSON comes back as text (judging it is the caller’s job)', async () => {
    await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"end_user_id": "5f7e');
    });
    const { ada } = client();
    expect(await ada.request('getEndUser', { path: { end_user_id: 'x' } })).toMatchObject({ status: 200, text: '{"end_user_id": "5f7e' });
  });

  it('sends a next_page_url’s query as written (rawQuery), and a create without external_id only once on a 500', async () => {
    await serve(status(500));
    const { ada } = client({ maxRetries: 2 });
    await ada.request('listEndUsers', { rawQuery: 'cursor=abc&limit=2' });
    expect(server!.requests.map((r) => r.url)).toEqual(Array(3).fill('/v2/end-users/?cursor=abc&limit=2'));
    const before = server!.requests.length;
    expect((await ada.request('createEndUser', { body: { profile: {} } })).status).toBe(500);
    expect(server!.requests.length - before).toBe(1);
    expect((await ada.request('createEndUser', { body: { external_id: 'crm-1' } })).status).toBe(500);
    expect(server!.requests.length - before).toBe(4); // an upsert by external_id may be sent again
  });

  it('checks the request as every call does: the contract’s rules (unless validateRequests: false) and the path always', async () => {
    await serve(ok);
    const { ada } = client();
    await expect(ada.request('listEndUsers', { query: { limit: 0 } })).rejects.toBeInstanceOf(AdaValidationError);
    const lax = client({ validateRequests: false }).ada;
    expect((await lax.request('listEndUsers', { query: { limit: 0 } })).status).toBe(200);
    await expect(lax.request('getEndUser', { path: { end_user_id: '..' } })).rejects.toBeInstanceOf(AdaValidationError);
    expect(server!.requests.map((r) => r.url)).toEqual(['/v2/end-users/?limit=0']);
  });
});
