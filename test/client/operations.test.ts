// Every operation through the client, against real HTTP servers on 127.0.0.1 and the Prism mock: what
// goes on the wire, what comes back, which failures are retried (a create without external_id only
// where Ada cannot have acted on it), pagination across pages and the next_page_urls it refuses to
// follow, and middleware that sees real Requests.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaClient, type AdaClientOptions, type EndUser, type RetryInfo } from '../../src/client/client.js';
import { AdaValidationError, ContractViolationError, type AdaError } from '../../src/client/errors.js';
import { json, startServer, type RecordedRequest, type TestServer } from '../helpers/http-server.js';
import { END_USER_ID, mockClient, seedResponse, TEST_TOKEN } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(answer: (request: RecordedRequest, response: ServerResponse, n: number) => void) {
  const server = await startServer((request, response) => answer(request, response, server.requests.length));
  servers.push(server);
  return server;
}

function client(server: TestServer, extra: Partial<AdaClientOptions> = {}) {
  const retries: RetryInfo[] = [];
  const ada = createAdaClient({
    baseUrl: server.url,
    token: TEST_TOKEN,
    onRetry: (r) => retries.push(r),
    sleep: async () => {},
    ...extra,
  } as AdaClientOptions);
  return { ada, retries };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as AdaError,
  );
const user = (id: string): EndUser => ({ ...(seedResponse() as EndUser), end_user_id: id });
const errors = (status: number) => (_req: RecordedRequest, res: ServerResponse) =>
  json(res, status, { errors: [{ type: `e${status}`, message: `answer ${status}` }] });

describe('getEndUser', () => {
  it('GETs /v2/end-users/{id} with the token and resolves to the end user', async () => {
    const server = await serve((_req, res) => json(res, 200, seedResponse()));
    expect(await client(server).ada.getEndUser(END_USER_ID)).toEqual(seedResponse());
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: `/v2/end-users/${END_USER_ID}`, body: '' });
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it('404 is a NotFoundError, not retried', async () => {
    const server = await serve(errors(404));
    expect(await failure(client(server).ada.getEndUser('nope'))).toMatchObject({ name: 'NotFoundError', status: 404 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('findEndUserByExternalId', () => {
  it('looks up by external_id: the end user, or null for 404', async () => {
    const server = await serve((req, res) => (req.url.endsWith('=known-crm-1') ? json(res, 200, seedResponse()) : errors(404)(req, res)));
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

  describe('retries: only where sending twice cannot make two end users', () => {
    it('without external_id, a 503 is not retried (Ada may have created it)', async () => {
      const server = await serve(errors(503));
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
      const server = await serve((req, res, n) => (n === 1 ? errors(429)(req, res) : json(res, 201, seedResponse())));
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
      const server = await serve((req, res, n) => (n === 1 ? errors(503)(req, res) : json(res, 200, seedResponse())));
      expect(await client(server).ada.createEndUser({ external_id: 'crm-1' })).toMatchObject({ created: false });
      expect(server.requests).toHaveLength(2);
    });
  });
});

describe('listEndUsers', () => {
  /** A provider of `total` end users, `limit` a page, whose next_page_url is absolute on its own origin (under `prefix`). */
  async function pages(total: number, prefix = '', nextUrl?: (origin: string, cursor: number) => string) {
    const server = await serve((req, res) => {
      const url = new URL(req.url, server.url);
      const limit = Number(url.searchParams.get('limit') ?? 2);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const data = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => user(`u${start + i}`));
      const next =
        start + limit < total
          ? (nextUrl?.(server.url, start + limit) ?? `${server.url}${prefix}/v2/end-users/?cursor=${start + limit}&limit=${limit}`)
          : null;
      json(res, 200, { data, meta: { next_page_url: next } });
    });
    return server;
  }

  it('awaited: one page, its nextPageUrl, and the next page on request', async () => {
    const server = await pages(5);
    const first = await client(server).ada.listEndUsers({ limit: 2 });
    expect(first.data.map((u) => u.end_user_id)).toEqual(['u0', 'u1']);
    expect(first.nextPageUrl).toBe(`${server.url}/v2/end-users/?cursor=2&limit=2`);
    expect(first.hasNextPage()).toBe(true);
    const second = await first.getNextPage();
    expect(second.data.map((u) => u.end_user_id)).toEqual(['u2', 'u3']);
    expect(server.requests.map((r) => r.url)).toEqual(['/v2/end-users/?limit=2', '/v2/end-users/?cursor=2&limit=2']);
  });

  it('for await: every end user exactly once, across pages, in order', async () => {
    const server = await pages(7);
    const ids: string[] = [];
    for await (const found of client(server).ada.listEndUsers({ limit: 3 })) ids.push(found.end_user_id);
    expect(ids).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    expect(server.requests).toHaveLength(3);
  });

  it('the last page: no next page, and getNextPage says so', async () => {
    const server = await pages(1);
    const only = await client(server).ada.listEndUsers({ limit: 5 });
    expect(only.hasNextPage()).toBe(false);
    await expect(only.getNextPage()).rejects.toThrow('listEndUsers: this is the last page (hasNextPage() is false)');
  });

  it('follows next_page_url under a base URL with a path prefix', async () => {
    const server = await pages(4, '/proxy/api');
    const ids: string[] = [];
    for await (const found of client(server, { baseUrl: `${server.url}/proxy/api` } as never).ada.listEndUsers({ limit: 2 }))
      ids.push(found.end_user_id);
    expect(ids).toEqual(['u0', 'u1', 'u2', 'u3']);
    expect(server.requests.map((r) => r.url)).toEqual(['/proxy/api/v2/end-users/?limit=2', '/proxy/api/v2/end-users/?cursor=2&limit=2']);
  });

  it('nothing is sent until the page is awaited or iterated', async () => {
    const server = await pages(3);
    const list = client(server).ada.listEndUsers({ limit: 2 });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(0);
    await list;
    expect(server.requests).toHaveLength(1);
  });

  it('a next_page_url on another origin is refused and never requested (it would carry the token)', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, { data: [], meta: {} }));
    const server = await pages(4, '', (_origin, cursor) => `${elsewhere.url}/v2/end-users/?cursor=${cursor}`);
    const first = await client(server).ada.listEndUsers({ limit: 2 });
    const error = await failure(first.getNextPage());
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).issues).toEqual([
      expect.objectContaining({ path: '/meta/next_page_url', keyword: 'same-origin' }),
    ]);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('a next_page_url on the same origin but another path is refused too', async () => {
    const server = await pages(4, '', (origin, cursor) => `${origin}/v2/conversations/?cursor=${cursor}`);
    const ids: string[] = [];
    const error = await (async () => {
      for await (const found of client(server).ada.listEndUsers({ limit: 2 })) ids.push(found.end_user_id);
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ContractViolationError', issues: [{ keyword: 'same-origin' }] });
    expect(ids).toEqual(['u0', 'u1']); // the first page's own end users, then the refusal
    expect(server.requests).toHaveLength(1);
  });

  it('a server whose next_page_url leads back to a page already read: refused, not followed forever', async () => {
    const server = await pages(10, '', (origin) => `${origin}/v2/end-users/?cursor=2&limit=2`);
    const error = await (async () => {
      for await (const _found of client(server).ada.listEndUsers({ limit: 2 }));
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ContractViolationError', issues: [{ keyword: 'next-page' }] });
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });

  /** A server that never lets go: page after page by `answer`, until it gives up at the 20th request (a 400). */
  async function endless(answer: (n: number, origin: string) => { data: unknown[]; next: string }) {
    let n = 0;
    const server = await serve((_req, res) => {
      if (++n > 20) return json(res, 400, { errors: [{ type: 'bad_request', message: 'gave up' }] });
      const { data, next } = answer(n, server.url);
      json(res, 200, { data, meta: { next_page_url: next } });
    });
    return server;
  }
  const walk = async (server: Awaited<ReturnType<typeof serve>>) => {
    const ids: string[] = [];
    const error = await (async () => {
      for await (const found of client(server).ada.listEndUsers({ limit: 2 })) ids.push(found.end_user_id);
    })().catch((e: unknown) => e);
    return { ids, error };
  };

  it('a next_page_url that differs only by an extra query value leads back to a cursor already followed: refused', async () => {
    const server = await endless((n, origin) => ({ data: [user(`u${n}`)], next: `${origin}/v2/end-users/?cursor=c1&limit=2&n=${n}` }));
    const { error } = await walk(server);
    expect(error).toMatchObject({
      name: 'ContractViolationError',
      issues: [{ path: '/meta/next_page_url', keyword: 'next-page', message: expect.stringContaining('a cursor already followed') }],
    });
    expect(server.requests).toHaveLength(2);
  });

  it('pages that repeat the same end users under fresh cursors: refused once a page brings nothing new', async () => {
    const server = await endless((n, origin) => ({ data: [user('u1'), user('u2')], next: `${origin}/v2/end-users/?cursor=c${n}&limit=2` }));
    const { ids, error } = await walk(server);
    expect(error).toMatchObject({
      name: 'ContractViolationError',
      issues: [
        { path: '/meta/next_page_url', keyword: 'next-page', message: expect.stringContaining('no item not seen on an earlier page') },
      ],
    });
    expect(ids).toEqual(['u1', 'u2', 'u1', 'u2']); // each page's own end users, then the refusal
    expect(server.requests).toHaveLength(2);
  });

  it('getNextPage() asked twice on one page: the same page, requested once', async () => {
    const server = await pages(6);
    const first = await client(server).ada.listEndUsers({ limit: 2 });
    const [a, b] = await Promise.all([first.getNextPage(), first.getNextPage()]);
    expect(a).toBe(b);
    expect(await first.getNextPage()).toBe(a);
    expect((await a.getNextPage()).data.map((u) => u.end_user_id)).toEqual(['u4', 'u5']);
    expect(server.requests).toHaveLength(3);
  });

  it.each([
    [{ limit: 0 }, 'must be >= 1'],
    [{ limit: 101 }, 'must be <= 100'],
    [{ limit: 2.5 }, 'must be integer'],
  ])('%o is refused before anything is sent', async (params, message) => {
    const server = await pages(3);
    const error = await failure(Promise.resolve(client(server).ada.listEndUsers(params)));
    expect(error).toMatchObject({
      name: 'AdaValidationError',
      issues: [{ path: '/limit', in: 'query', message: expect.stringContaining(message.split(' ').at(-1)!) }],
    });
    expect(server.requests).toHaveLength(0);
  });
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
