// Which failures are retried, how often and how long the client waits (an injected sleep records the
// backoff instead of waiting, so the suite stays fast), timeouts, the caller's signal, and the operations
// table's word on when sending twice is safe.
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, type RetryInfo } from '../../src/client/client.js';
import { AdaConnectionError, AdaTimeoutError, InternalServerError, RateLimitError } from '../../src/client/errors.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../src/client/retry.js';
import { json } from '../helpers/http-server.js';
import { seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';
import { client, closeServers, failure, never, ok, serve, status } from '../helpers/client.js';

afterEach(closeServers);

describe('retries', () => {
  it('500 then 200: resolves after one retry, reporting it', async () => {
    const server = await serve(status(500), ok);
    const { call, retries } = client(server);
    expect(await call()).toEqual(seedResponse());
    expect(server.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, error: expect.any(InternalServerError) });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(0);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.initialDelayMs);
  });

  it('a burst of 429s exhausts the default 2 retries and throws RateLimitError', async () => {
    const server = await serve(status(429));
    const { call, retries } = client(server);
    const error = await failure(call());
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, errors: [{ type: 'error_429', message: 'answer 429' }] });
    expect(server.requests).toHaveLength(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('per-call maxRetries overrides the client’s', async () => {
    const server = await serve(status(503));
    const { ada } = client(server, { maxRetries: 0 });
    await failure(ada.updateEndUser('x', { profile: {} }, { maxRetries: 4 }));
    expect(server.requests).toHaveLength(5);
  });

  it('429 with Retry-After in seconds waits exactly that long', async () => {
    const server = await serve(status(429, { 'retry-after': '2' }), ok);
    const { call, retries } = client(server);
    await call();
    expect(retries.map((r) => r.delayMs)).toEqual([2000]);
  });

  it('429 with Retry-After as an HTTP date waits until then', async () => {
    const server = await serve((req, res, n) => status(429, { 'retry-after': new Date(Date.now() + 3000).toUTCString() })(req, res, n), ok);
    const { call, retries } = client(server);
    await call();
    // HTTP dates have whole seconds, so the wait is between 2 and 3 seconds.
    expect(retries[0]!.delayMs).toBeGreaterThan(1000);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(3000);
  });

  it('429 without Retry-After backs off exponentially with full jitter, capped', async () => {
    const server = await serve(status(429));
    const { ada, retries } = client(server, { maxRetries: 6 });
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
    const server = await serve(status(429, { 'retry-after': '0.2' }), ok);
    const started = performance.now();
    await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN }).updateEndUser('x', { profile: {} });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('408 is retried', async () => {
    const server = await serve(status(408), ok);
    await client(server).call();
    expect(server.requests).toHaveLength(2);
  });
});

describe('backoff', () => {
  it('initialDelayMs and maxDelayMs bound each wait (full jitter)', async () => {
    const server = await serve(status(503), status(503), status(503), ok);
    const { call, retries } = client(server, { maxRetries: 3, backoff: { initialDelayMs: 4, maxDelayMs: 6 } });
    await call();
    const bounds = retries.map((r) => [r.attempt, r.delayMs >= 0 && r.delayMs <= Math.min(6, 4 * 2 ** (r.attempt - 1))]);
    expect(bounds).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
  });
});

describe('connection failures and timeouts', () => {
  it('a connection reset mid-response is retried, then succeeds', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"end_user_id": "5f7e');
      setTimeout(() => res.socket?.destroy(), 10);
    }, ok);
    const { call, retries } = client(server);
    expect(await call()).toEqual(seedResponse());
    expect(server.requests).toHaveLength(2);
    expect(retries[0]!.error).toBeInstanceOf(AdaConnectionError);
  });

  it('resets on every attempt end in AdaConnectionError after the retries', async () => {
    const server = await serve((_req, res) => res.socket?.destroy());
    const error = await failure(client(server).call());
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error).not.toBeInstanceOf(AdaTimeoutError);
    expect(error.message).toMatch(/^could not reach Ada: /);
    expect(server.requests).toHaveLength(3);
  });

  it('nothing listening: AdaConnectionError naming ECONNREFUSED', async () => {
    const port = await freePort();
    const ada = createAdaClient({ baseUrl: `http://127.0.0.1:${port}`, token: TEST_TOKEN, maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a server that never answers: AdaTimeoutError per attempt, retried', async () => {
    const server = await serve(never);
    const { ada, retries } = client(server, { timeoutMs: 100, maxRetries: 1 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaTimeoutError);
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toBe('Ada did not answer within 100 ms');
    expect(server.requests).toHaveLength(2);
    expect(retries[0]!.error).toBeInstanceOf(AdaTimeoutError);
  });

  it('per-call timeoutMs overrides the client’s', async () => {
    const server = await serve(never);
    const { ada } = client(server, { maxRetries: 0 }); // client default: 60 s
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { timeoutMs: 50 }));
    expect(error).toMatchObject({ name: 'AdaTimeoutError', message: 'Ada did not answer within 50 ms' });
  });

  it('the caller’s signal aborts at once, with no retry', async () => {
    const server = await serve(never);
    const { ada, retries } = client(server);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('the caller’s signal also cuts a backoff short', async () => {
    const server = await serve(status(503, { 'retry-after': '30' }));
    const controller = new AbortController();
    // The real sleep: it must end when the signal aborts, not after 30 s.
    const ada = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN, onRetry: () => setTimeout(() => controller.abort(), 20) });
    const error = await failure(ada.updateEndUser('x', { profile: {} }, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('createEndUser: retried only where sending twice cannot make two end users (the operations table)', () => {
  it('without external_id, a 503 is not retried (Ada may have created it)', async () => {
    const server = await serve(status(503));
    const { ada, retries } = client(server);
    expect(await failure(ada.createEndUser({ profile: {} }))).toMatchObject({ name: 'InternalServerError', status: 503 });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('without external_id, a timeout is not retried', async () => {
    const server = await serve(() => {}); // reads the request, never answers
    const { ada } = client(server, { timeoutMs: 100 });
    expect(await failure(ada.createEndUser({}))).toMatchObject({ name: 'AdaTimeoutError' });
    expect(server.requests).toHaveLength(1);
  });

  it('without external_id, a reset after the request arrived is not retried', async () => {
    const server = await serve((_req, res) => res.socket?.destroy());
    expect(await failure(client(server).ada.createEndUser({}))).toMatchObject({ name: 'AdaConnectionError' });
    expect(server.requests).toHaveLength(1);
  });

  it('without external_id, a 429 is retried (Ada refused it)', async () => {
    const server = await serve((req, res, n) => (n === 1 ? status(429)(req, res, n) : json(res, 201, seedResponse())));
    expect(await client(server).ada.createEndUser({})).toMatchObject({ created: true });
    expect(server.requests).toHaveLength(2);
  });

  it('without external_id, a refused connection is retried (nothing reached Ada)', async () => {
    const port = await freePort();
    const retries: RetryInfo[] = [];
    const ada = createAdaClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: TEST_TOKEN,
      sleep: async () => {},
      onRetry: (r) => retries.push(r),
    });
    expect(await failure(ada.createEndUser({}))).toMatchObject({ name: 'AdaConnectionError' });
    expect(retries).toHaveLength(2);
  });

  it('with an external_id (an upsert), a 503 is retried', async () => {
    const server = await serve((req, res, n) => (n === 1 ? status(503)(req, res, n) : json(res, 200, seedResponse())));
    expect(await client(server).ada.createEndUser({ external_id: 'crm-1' })).toMatchObject({ created: false });
    expect(server.requests).toHaveLength(2);
  });
});
