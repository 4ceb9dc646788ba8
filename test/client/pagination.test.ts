// listEndUsers' pages: awaited, iterated, and the next_page_urls the client refuses to follow (another
// origin would receive the token; a loop would never end).
import { afterEach, describe, expect, it } from 'vitest';
import { ContractViolationError } from '../../src/client/errors.js';
import { json } from '../helpers/http-server.js';
import { client, closeServers, failure, serve, user } from '../helpers/client.js';

afterEach(closeServers);

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
