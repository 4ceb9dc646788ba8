// What goes on the wire and what comes off it, on both transports (the client's own node:http path and
// openapi-fetch with a caller's fetch or middleware): the request as Ada expects it, and whatever a
// server answers (an impossible status, a redirect, an endless or compressed body) ending in one typed
// error or a result.
import type { ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, DEFAULT_MAX_RESPONSE_BYTES } from '../../src/client/client.js';
import { AdaApiError, AdaConnectionError, ContractViolationError, ResponseTooLargeError } from '../../src/client/errors.js';
import { json, type RecordedRequest } from '../helpers/http-server.js';
import { END_USER_ID, mockClient, seedRequest, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { client, closeServers, expectNoToken, failure, globalFetch, ok, serve, serveRaw, transports } from '../helpers/client.js';

afterEach(closeServers);

describe('requests on the wire', () => {
  it('PATCHes JSON to /v2/end-users/{id} with the token only as a Bearer Authorization header', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
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
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    await createAdaClient({ baseUrl: server.url, token: TEST_TOKEN }).updateEndUser('a/b c?d', { profile: {} });
    expect(server.requests[0]!.url).toBe('/v2/end-users/a%2Fb%20c%3Fd');
  });

  it('keeps a base URL path prefix and ignores a trailing slash', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
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
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { fetchClient } = createAdaClient({ baseUrl: server.url, token: TEST_TOKEN });
    const { data, response } = await fetchClient.PATCH('/v2/end-users/{end_user_id}', {
      params: { path: { end_user_id: 'x' } },
      body: { profile: { first_name: 'Ada' } },
    });
    expect(response.status).toBe(200);
    expect(data?.end_user_id).toBe(seedResponse().end_user_id);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });
});

describe('statuses outside 200-599', () => {
  const raw = (status: number) => () => {
    const body = '{"errors":[{"type":"odd","message":"odd"}]}';
    return `HTTP/1.1 ${status} Odd\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`;
  };

  it.each([999, 600])('%i: ContractViolationError naming the status, not retried (default transport)', async (status) => {
    const server = await serveRaw(raw(status));
    const { ada, retries } = client(server);
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(ContractViolationError);
    expect(error).toMatchObject({ status, issues: [{ path: '', keyword: 'status', message: 'must be an HTTP status from 200 to 599' }] });
    expect(server.requests).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('101 with a body: ContractViolationError, not retried', async () => {
    const server = await serveRaw(() => 'HTTP/1.1 101 Switching Protocols\r\ncontent-length: 2\r\n\r\n{}');
    const { ada } = client(server);
    expect(await failure(ada.updateEndUser('x', { profile: {} }))).toMatchObject({ name: 'ContractViolationError', status: 101 });
    expect(server.requests).toHaveLength(1);
  });

  it('the kit’s own mock, asked for code=999: the same error, and the host process lives on', async () => {
    const error = await failure(mockClient({ maxRetries: 0 }).updateEndUser('x', { profile: {} }, { headers: { Prefer: 'code=999' } }));
    expect(error).toMatchObject({ name: 'ContractViolationError', status: 999 });
    expect(error.message).toBe("Ada's 999 response breaks the contract:\n(status): must be an HTTP status from 200 to 599");
  });

  it('999 through a caller’s fetch: the same error, not an InternalServerError retried', async () => {
    const server = await serveRaw(raw(999));
    const { ada, retries } = client(server, globalFetch);
    expect(await failure(ada.updateEndUser('x', { profile: {} }))).toMatchObject({ name: 'ContractViolationError', status: 999 });
    expect(retries).toEqual([]);
  });

  it('an answer that is not HTTP at all: a connection error that says so', async () => {
    const server = await serveRaw(() => 'SMTP ready\r\n\r\n');
    const { ada } = client(server, { maxRetries: 0 });
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toBeInstanceOf(AdaConnectionError);
    expect(error.message).toMatch(/^Ada's answer is not valid HTTP: HPE_/);
  });
});

describe('a redirect is an answer, never followed: nothing reaches where it points, the token least of all', () => {
  it.each(transports)('%s: request() returns the 307; a method throws it as a RedirectError (an AdaApiError)', async (_name, transport) => {
    const elsewhere = await serve(ok);
    const server = await serve((req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}${req.url}` });
      res.end();
    });
    const { ada, retries } = client(server, transport);
    const answer = await ada.request('getEndUser', { path: { end_user_id: 'x' } });
    expect([answer.status, answer.headers.get('location')]).toEqual([307, `${elsewhere.url}/v2/end-users/x`]);
    const error = await failure(ada.getEndUser('x'));
    expect(error).toBeInstanceOf(AdaApiError);
    expect(error).toMatchObject({
      name: 'RedirectError',
      status: 307,
      message: 'Ada API responded 307: a redirect, which the client does not follow',
    });
    expect((error as AdaApiError).headers.get('location')).toBe(`${elsewhere.url}/v2/end-users/x`);
    expect(elsewhere.requests).toEqual([]);
    expect(retries).toEqual([]);
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

  it.each(transports)(
    '%s: an answer over the limit stops being read and throws ResponseTooLargeError, not retried',
    async (_name, extra) => {
      let written = 0;
      const server = await serve((req, res) => {
        const write = res.write.bind(res);
        res.write = ((chunk: Buffer, ...rest: never[]) => {
          written += chunk.length;
          return write(chunk, ...rest);
        }) as typeof res.write;
        endless(200, 64 * 1024 * 1024)(req, res);
      });
      const { ada, retries } = client(server, { maxResponseBytes: 100_000, ...extra });
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
    const server = await serve(endless(500, 50_000_000, true));
    const error = await failure(client(server, { maxResponseBytes: 1000, ...extra }).ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 500 });
  });

  it('an error answer over the default limit: ResponseTooLargeError, no second download', async () => {
    const server = await serve(endless(503, DEFAULT_MAX_RESPONSE_BYTES + 1024 * 1024));
    const { ada, retries } = client(server);
    const error = await failure(ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 503, maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES });
    expect(retries).toEqual([]);
    expect(server.requests).toHaveLength(1);
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
    const server = await serve(compressed(encoding, compress(seed())));
    expect(await client(server).ada.updateEndUser('x', { profile: {} })).toEqual(seedResponse());
    expect(server.requests[0]!.headers['accept-encoding']).toBe('gzip, br');
  });

  it('a gzip bomb: the limit counts decoded bytes', async () => {
    const server = await serve(compressed('gzip', gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20))));
    const error = await failure(client(server, { maxResponseBytes: 1_000_000 }).ada.updateEndUser('x', { profile: {} }));
    expect(error).toMatchObject({ name: 'ResponseTooLargeError', status: 200 });
  });

  it('a body that does not decode: ContractViolationError, not retried', async () => {
    const server = await serve(compressed('gzip', Buffer.from('not gzip at all')));
    const { ada, retries } = client(server);
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
      const server = await serve(compressed(encoding, Buffer.from('whatever')));
      const error = await failure(client(server).ada.updateEndUser('x', { profile: {} }));
      expect(error).toMatchObject({
        name: 'ContractViolationError',
        issues: [{ keyword: 'content-encoding', message: expect.stringContaining(`"${encoding}"`) }],
      });
    },
  );
});

describe('a middleware of the caller’s sees real Requests on every call', () => {
  it('request.clone() and a replaced Request work; the server sees what the middleware sent', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada, retries } = client(server);
    const seen: boolean[] = [];
    ada.fetchClient.use({
      onRequest({ request }) {
        seen.push(request instanceof Request);
        const copy = request.clone();
        copy.headers.set('x-trace', 'abc');
        return new Request(copy, { headers: copy.headers });
      },
    });
    expect(await ada.updateEndUser('x', { profile: { first_name: 'Ada' } })).toEqual(seedResponse());
    expect(await ada.getEndUser('x')).toEqual(seedResponse());
    expect(seen).toEqual([true, true]);
    expect(retries).toEqual([]);
    expect(server.requests.map((r) => [r.method, r.headers['x-trace'], r.headers.authorization])).toEqual([
      ['PATCH', 'abc', `Bearer ${TEST_TOKEN}`],
      ['GET', 'abc', `Bearer ${TEST_TOKEN}`],
    ]);
    expect(JSON.parse(server.requests[0]!.body)).toEqual({ profile: { first_name: 'Ada' } });
  });

  it('a header of any valid name reaches the server, __proto__ and constructor included', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    const { ada } = client(server);
    ada.fetchClient.use({
      onRequest({ request }) {
        request.headers.set('__proto__', 'a');
        request.headers.set('constructor', 'b');
        return request;
      },
    });
    await ada.getEndUser('x');
    const raw = server.requests[0]!.rawHeaders;
    const sent = raw.flatMap((name, i) => (i % 2 === 0 ? [[name.toLowerCase(), raw[i + 1]]] : []));
    expect(sent).toContainEqual(['__proto__', 'a']);
    expect(sent).toContainEqual(['constructor', 'b']);
  });
});

describe('the client’s own transport sends what openapi-fetch sends', () => {
  // Without a middleware of the caller's, calls skip openapi-fetch (src/client/core.ts, the direct path);
  // with one (here a no-op), they go through it. The server must not tell the two apart.
  it('the same method, URL, body and headers, for every operation and awkward values', async () => {
    const server = await serve((request, res) => {
      if (request.url.includes('external_id=')) return json(res, 404, { errors: [{ type: 'not_found', message: 'none' }] });
      if (request.method === 'GET' && request.url.startsWith('/v2/end-users/?'))
        return json(res, 200, { data: [], meta: { next_page_url: null } });
      json(res, request.method === 'POST' ? 201 : 200, seedResponse());
    });
    const calls = async (ada: ReturnType<typeof client>['ada']) => {
      const headers = { Prefer: 'code=200', 'X-Trace': '  spaced value  ', constructor: 'c' };
      await ada.getEndUser('a b+c%d é', { headers });
      await ada.updateEndUser('x', { profile: { first_name: 'Ada', metadata: { k: 'ü' } } }, { headers });
      await ada.findEndUserByExternalId('crm & co/1?', { headers });
      await ada.listEndUsers({ limit: 5, cursor: 'c d=e' }, { headers });
      await ada.createEndUser({ external_id: 'crm-1' }, { headers });
      await ada.request('listEndUsers', { rawQuery: 'cursor=a%20b&limit=2' }, { headers });
    };
    const sent = (from: number) =>
      server.requests.slice(from).map(({ method, url, body, rawHeaders }) => {
        const headers: string[] = [];
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toLowerCase();
          if (name !== 'host' && name !== 'connection') headers.push(`${name}: ${rawHeaders[i + 1]}`);
        }
        return { method, url, body, headers: headers.sort() };
      });
    await calls(client(server).ada);
    const direct = sent(0);
    const viaOpenapiFetch = client(server).ada;
    viaOpenapiFetch.fetchClient.use({ onRequest: ({ request }) => request });
    await calls(viaOpenapiFetch);
    expect(direct).toHaveLength(6);
    expect(direct).toEqual(sent(6));
    expect(direct[0]).toMatchObject({ method: 'GET', url: '/v2/end-users/a%20b%2Bc%25d%20%C3%A9' });
    expect(direct[1]!.headers).toEqual(
      expect.arrayContaining(['x-trace: spaced value', 'constructor: c', 'content-type: application/json']),
    );
  });
});
