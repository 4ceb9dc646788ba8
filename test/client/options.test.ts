// Options that cannot work fail at once, when the client is made or the call is, naming the option and
// the rule and never echoing the token.
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, DEFAULT_MAX_RESPONSE_BYTES, type AdaClientOptions } from '../../src/client/client.js';
import { json } from '../helpers/http-server.js';
import { seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { client, closeServers, expectNoToken, serve } from '../helpers/client.js';

afterEach(closeServers);

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

  const base = { token: TEST_TOKEN };
  it.each([
    [
      { ...base, baseUrl: 'http://127.0.0.1:1', timeoutMs: 2 ** 31 },
      /timeoutMs must be a positive number of milliseconds, at most 2147483647/,
    ],
    [{ ...base, baseUrl: 'http://127.0.0.1:1/api?x=1' }, /baseUrl must not contain a query \(\?\) or a fragment \(#\)/],
    [{ ...base, baseUrl: 'http://127.0.0.1:1/api#top' }, /baseUrl must not contain a query \(\?\) or a fragment \(#\)/],
    [{ ...base, baseUrl: 'http://127.0.0.1:1/api?' }, /baseUrl must not contain a query/],
    [{ baseUrl: 'http://127.0.0.1:1', token: 'tök' }, /token must be a non-empty string without whitespace, of visible ASCII characters/],
  ])('%o', (options, message) => {
    expect(() => createAdaClient(options as AdaClientOptions)).toThrow(message);
  });

  it.each([
    [{ fetch: 'https://example.com' }, 'createAdaClient: fetch must be a function'],
    [{ onRetry: true }, 'createAdaClient: onRetry must be a function'],
    [{ sleep: 100 }, 'createAdaClient: sleep must be a function'],
    [{ validateRequests: 'no' }, 'createAdaClient: validateRequests must be a boolean'],
    [{ validateResponses: 1 }, 'createAdaClient: validateResponses must be a boolean'],
  ])('%o', (extra, message) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, ...extra } as unknown as AdaClientOptions)).toThrow(
      message,
    );
  });

  it('a per-call signal that is not an AbortSignal: a TypeError, nothing sent', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    await expect(client(server).ada.updateEndUser('x', { profile: {} }, { signal: { aborted: false } as never })).rejects.toThrow(
      'updateEndUser: signal must be an AbortSignal',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('a per-call timeoutMs a timer cannot hold', async () => {
    const ada = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN });
    await expect(ada.updateEndUser('x', { profile: {} }, { timeoutMs: 2 ** 31 })).rejects.toThrow(/^updateEndUser: timeoutMs must be/);
  });

  it('the largest timeout a timer can hold works (it does not fire at once)', async () => {
    const server = await serve((_req, res) => setTimeout(() => json(res, 200, seedResponse()), 50));
    expect(await client(server, { timeoutMs: 2 ** 31 - 1 }).ada.updateEndUser('x', { profile: {} })).toEqual(seedResponse());
  });

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

  it.each([
    [{ initialDelayMs: -1 }, 'backoff.initialDelayMs must be a number of milliseconds from 0 to 2147483647'],
    [{ maxDelayMs: 2 ** 31 }, 'backoff.maxDelayMs must be a number of milliseconds from 0 to 2147483647'],
    [{ initial: 5 }, 'backoff.initial is not an option; use initialDelayMs or maxDelayMs'],
    ['fast', 'backoff must be an object { initialDelayMs?, maxDelayMs? }'],
  ])('backoff %o is refused: %s', (backoff, message) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:9', token: TEST_TOKEN, backoff } as never)).toThrow(message);
  });

  it('maxResponseBytes defaults to 10 MB (Ada’s own request limit)', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
  });

  it.each([0, -1, 1.5, Number.NaN])('maxResponseBytes: %s is refused', (value) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, maxResponseBytes: value })).toThrow(
      'createAdaClient: maxResponseBytes must be a positive integer number of bytes',
    );
  });
});
