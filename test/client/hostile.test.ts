// The client against hostile servers and bad input: whatever arrives (an impossible status, an endless
// or compressed body) and whatever the caller passes (ids URL parsing would collapse, bodies JSON cannot
// carry, options no timer can hold), it ends in one typed error or a result, never an uncaught
// exception, never a misleading class, never a retry of a local mistake, and never the token.
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, DEFAULT_MAX_RESPONSE_BYTES, type AdaClientOptions, type RetryInfo } from '../../src/client/client.js';
import {
  AdaConnectionError,
  AdaValidationError,
  ContractViolationError,
  ResponseTooLargeError,
  type AdaError,
} from '../../src/client/errors.js';
import { json, startRawServer, startServer, type RecordedRequest, type TestServer } from '../helpers/http-server.js';
import { mockClient, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as AdaError,
  );

/** A client on the current server whose retries are recorded, not waited for. */
function client(extra: Partial<AdaClientOptions> = {}, token = TEST_TOKEN) {
  const retries: RetryInfo[] = [];
  const ada = createAdaClient({
    baseUrl: server!.url,
    token,
    onRetry: (info) => retries.push(info),
    sleep: async () => {},
    ...extra,
  } as AdaClientOptions);
  return { ada, retries };
}

/** The global fetch as a caller's own `fetch` option: the other transport. */
const globalFetch = { fetch: (request: Request) => fetch(request) };
const transports: Array<[string, Partial<AdaClientOptions>]> = [
  ['the default transport', {}],
  ['a caller’s fetch', globalFetch],
];

describe('statuses outside 200-599', () => {
  const raw = (status: number) => () => {
    const body = '{"errors":[{"type":"odd","message":"odd"}]}';
    return `HTTP/1.1 ${status} Odd\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
  };

  it.each([999, 600])('%i: ContractViolationError naming the status, not retried (default transport)', async (status) => {
    server = await startRawServer(raw(status));
    const { ada, retries } = client();
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error).toMatchObject({ status, issues: [{ path: '', keyword: 'status', message: 'must be an HTTP status from 200 to 599' }] });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('101 with a body: ContractViolationError, not retried', async () => {
    server = await startRawServer(() => 'HTTP/1.1 101 Switching Protocols\r\ncontent-length: 2\r\n\r\n{}');
    const { ada } = client();
    expect(await failure(ada.updateEndUser('x', { profile: {} }))).toMatchObject({ name: 'ContractViolationError', status: 101 });
    expect(server.requests).toHaveLength(1);
  });

  it('the kit’s own mock, asked for code=999: the same error, and the host process lives on', async () => {
    const error = await failure(mockClient({ maxRetries: 0 }).updateEndUser('x', { profile: {} }, { headers: { Prefer: 'code=999' } }));
    expect(error).toMatchObject({ name: 'ContractViolationError', status: 999 });
    expect(error.message).toBe("Ada's 999 response breaks the contract:\n(status): must be an HTTP status from 200 to 599");
  });

  it('999 through a caller’s fetch: the same error, not an InternalServerError retried', async () => {
    server = await startRawServer(raw(999));
    const { ada, retries } = client(globalFetch);
    expect(await failure(ada.updateEndUser('x', { profile: {} }))).toMatchObject({ name: 'ContractViolationError', status: 999 });
    expect(retries).toEqual([]);
  });

  it('an answer that is not HTTP at all: a connection error that says so', async () => {
    server = await startRawServer(() => 'SMTP ready\r\n\r\n');
    const { ada } = client({ maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toMatch(/^Ada's answer is not valid HTTP: HPE_/);
  });
});

describe('a redirect is an answer, never followed: nothing reaches where it points, the token least of all', () => {
  it.each(transports)('%s: request() returns the 307; a method throws it as an AdaApiError', async (_name, transport) => {
    const elsewhere = await startServer((_req, res) => json(res, 200, seedResponse()));
    try {
      server = await startServer((req, res) => {
        res.writeHead(307, { location: `${elsewhere.url}${req.url}` });
        res.end();
      });
      const { ada, retries } = client(transport);
      const answer = await ada.request('getEndUser', { path: { end_user_id: 'x' } });
      expect([answer.status, answer.headers.get('location')]).toEqual([307, `${elsewhere.url}/v2/end-users/x`]);
      expect(await failure(ada.getEndUser('x'))).toMatchObject({ name: 'AdaApiError', status: 307 });
      expect(elsewhere.requests).toEqual([]);
      expect(retries).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});

describe('end-user ids that cannot name one end user are refused before anything is sent', () => {
  const ids: Array<[string, string, string]> = [
    ['.', 'path-segment', 'must not be "." or ".."'],
    ['..', 'path-segment', 'must not be "." or ".."'],
    ['', 'minLength', 'must not be empty'],
    ['ab\uD800cd', 'unicode', 'must be well-formed Unicode'],
  ];
  it.each(ids)('%j', async (id, keyword, message) => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client({ validateRequests: false }); // the URL rules hold either way
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
      server = await startServer((_req, res) => json(res, 200, seedResponse()));
      for (const validateRequests of [true, false]) {
        const error = await failure(Promise.resolve().then(() => call(client({ validateRequests }).ada)));
        expect(error).toBeInstanceOf(AdaValidationError);
        expect((error as AdaValidationError).issues).toEqual([
          { path: `/${parameter}`, in: 'query', keyword: 'unicode', message: expect.stringContaining('must be well-formed Unicode') },
        ]);
      }
      expect(server.requests).toHaveLength(0);
    },
  );

  it('a non-string id is refused the same way', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client().ada.updateEndUser(42 as never, { profile: {} }));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/end_user_id', in: 'path', keyword: 'type' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('ids with dots inside, slashes and spaces are still one segment', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const { ada } = client();
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
      server = await startServer((_req, res) => json(res, 200, seedResponse()));
      const { ada, retries } = client({ validateRequests: false });
      const error = await failure(ada.updateEndUser('x', body() as never));
      expect(error).toBeInstanceOf(AdaValidationError);
      expect((error as AdaValidationError).issues).toEqual([{ path, keyword: 'json', message: expect.stringMatching(message) }]);
      expect(server.requests).toHaveLength(0);
      expect(retries).toEqual([]);
    },
  );

  it('with validation on, the contract names the same values (and the send is still refused)', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client().ada.updateEndUser('x', { profile: { metadata: { seats: 5n } } } as never));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/profile/metadata/seats', keyword: 'type' }] });
    expect(server.requests).toHaveLength(0);
  });

  it('a middleware that throws: its own error, once, not a connection error', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client();
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
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client();
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

describe('maxResponseBytes', () => {
  /** Streams `total` bytes of a JSON string body (chunked, or with its length declared). */
  const endless =
    (status: number, total: number, declare = false) =>
    (_req: RecordedRequest, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = total)); // the client hung up: stop
      pump();
    };

  it('defaults to 10 MB (Ada’s own request limit)', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
  });

  it.each(transports)(
    '%s: an answer over the limit stops being read and throws ResponseTooLargeError, not retried',
    async (_name, extra) => {
      let written = 0;
      server = await startServer((req, res) => {
        const write = res.write.bind(res);
        res.write = ((chunk: Buffer, ...rest: never[]) => {
          written += chunk.length;
          return write(chunk, ...rest);
        }) as typeof res.write;
        endless(200, 64 * 1024 * 1024)(req, res);
      });
      const { ada, retries } = client({ maxResponseBytes: 100_000, ...extra });
      const error = await failure(ada.updateEndUser('x', { profile: {} }));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error).toMatchObject({ status: 200, maxResponseBytes: 100_000 });
      expect(error.message).toBe("Ada's 200 response is larger than maxResponseBytes (100000 bytes); the client stopped reading it");
      expect(retries).toEqual([]);
      expect(server.requests).toHaveLength(1);
      expect(written).toBeLessThan(64 * 1024 * 1024); // the server was cut off long before the end
    },
  );

  it.each(transports)('%s: a declared Content-Length over the limit fails before reading', async (_name, extra) => {
    server = await startServer(endless(500, 50_000_000, true));
    const error = await failure(client({ maxResponseBytes: 1000, ...extra }).ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 500 });
  });

  it('an error answer over the default limit: ResponseTooLargeError, no second download', async () => {
    server = await startServer(endless(503, DEFAULT_MAX_RESPONSE_BYTES + 1024 * 1024));
    const { ada, retries } = client();
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 503, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES });
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('%s is refused', (value) => {
    expect(() => createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN, maxResponseBytes: value })).toThrow(
      'createAdaClient: maxResponseBytes must be a positive integer number of bytes',
    );
  });
});

describe('compressed answers (the client asks for gzip and br, and decodes them)', () => {
  const compressed = (encoding: string, body: Buffer) => (_req: RecordedRequest, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': String(body.length) });
    res.end(body);
  };
  const seed = () => Buffer.from(JSON.stringify(seedResponse()));

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('%s is asked for and decoded', async (encoding, compress) => {
    server = await startServer(compressed(encoding, compress(seed())));
    expect(await client().ada.updateEndUser('x', { profile: {} })).toEqual(seedResponse());
    expect(server.requests[0]!.headers['accept-encoding']).toBe('gzip, br');
  });

  it('a gzip bomb: the limit counts decoded bytes', async () => {
    server = await startServer(compressed('gzip', gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20))));
    const error = await failure(client({ maxResponseBytes: 1_000_000 }).ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 200 });
  });

  it('a body that does not decode: ContractViolationError, not retried', async () => {
    server = await startServer(compressed('gzip', Buffer.from('not gzip at all')));
    const { ada, retries } = client();
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({
      name: 'ContractViolationError',
      status: 200,
      issues: [{ keyword: 'content-encoding', message: expect.stringMatching(/gzip body does not decode/) }],
    });
    expect(retries).toEqual([]);
  });

  it.each(['zstd', 'constructor', '__proto__'])(
    'an encoding the client did not ask for (%s): ContractViolationError naming it, the host unharmed',
    async (encoding) => {
      server = await startServer(compressed(encoding, Buffer.from('whatever')));
      const error = await failure(client().ada.updateEndUser('x', { profile: {} }));
      expect(error).toMatchObject({
        name: 'ContractViolationError',
        issues: [{ keyword: 'content-encoding', message: expect.stringContaining(`"${encoding}"`) }],
      });
    },
  );
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
    server = await startServer((_req, res) => json(res, 200, leaky));
    const error = (await failure(client({ validateResponses: true }).ada.updateEndUser('x', { profile: {} }))) as ContractViolationError;
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error.issues).toEqual([expect.objectContaining({ path: '/profile/metadata/[redacted]', keyword: 'type' })]);
    for (const view of views(error)) expect(view).not.toContain(TEST_TOKEN);
  });

  it('a request body that holds the token as a key: AdaValidationError without it', async () => {
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    const error = await failure(client().ada.updateEndUser('x', { profile: { metadata: { [TEST_TOKEN]: 1.5 } } }));
    expect(error).toMatchObject({ name: 'AdaValidationError', issues: [{ path: '/profile/metadata/[redacted]' }] });
    for (const view of views(error)) expect(view).not.toContain(TEST_TOKEN);
  });

  it('a one-character token: redacted where it stands alone, not inside words', async () => {
    const port = await freePort();
    const ada = createAdaClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error.message).toMatch(/^could not reach Ada: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

    server = await startServer((_req, res) =>
      json(res, 401, { errors: [{ type: 'unauthorized', message: 'token t is not valid: Bearer t' }] }),
    );
    const echoed = await failure(createAdaClient({ baseUrl: server.url, token: 't' }).updateEndUser('x', { profile: {} }));
    expect(echoed.message).toBe('Ada API responded 401: token [redacted] is not valid: Bearer [redacted]');
  });

  it('a token in its percent-encoded and JSON-escaped forms is redacted too', async () => {
    const token = 'abc/def+ghi=jkl"mno';
    server = await startServer((_req, res) =>
      json(res, 400, { errors: [{ type: 'x', message: `${encodeURIComponent(token)} ${JSON.stringify(token)} ${token}` }] }),
    );
    const error = await failure(createAdaClient({ baseUrl: server.url, token }).updateEndUser('x', { profile: {} }));
    expect(error.message).toBe('Ada API responded 400: [redacted] "[redacted]" [redacted]');
  });
});

describe('options that cannot work are refused', () => {
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
    server = await startServer((_req, res) => json(res, 200, seedResponse()));
    await expect(client().ada.updateEndUser('x', { profile: {} }, { signal: { aborted: false } as never })).rejects.toThrow(
      'updateEndUser: signal must be an AbortSignal',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('a per-call timeoutMs a timer cannot hold', async () => {
    const ada = createAdaClient({ baseUrl: 'http://127.0.0.1:1', token: TEST_TOKEN });
    await expect(ada.updateEndUser('x', { profile: {} }, { timeoutMs: 2 ** 31 })).rejects.toThrow(/^updateEndUser: timeoutMs must be/);
  });

  it('the largest timeout a timer can hold works (it does not fire at once)', async () => {
    server = await startServer((_req, res) => setTimeout(() => json(res, 200, seedResponse()), 50));
    expect(await client({ timeoutMs: 2 ** 31 - 1 }).ada.updateEndUser('x', { profile: {} })).toEqual(seedResponse());
  });
});
