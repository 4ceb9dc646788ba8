import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

// The client's default transport. openapi-fetch builds a WHATWG Request for every call and hands it to
// fetch, which copies it again: measured here, that costs about 0.2 ms a call, 40 % of a loopback PATCH
// (bench/RESULTS.md). updateEndUser passes openapi-fetch this lighter Request (the fields openapi-fetch
// and the auth middleware use) and a fetch that calls the global fetch with plain init, so each call pays
// for one request object instead of two. fetchClient keeps openapi-fetch's defaults, and a caller's own
// `fetch` option gets real Requests.

/** The subset of Request that openapi-fetch and the kit's middleware touch. */
export class LightRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: RequestInit['body'];
  readonly signal: AbortSignal | undefined;
  readonly redirect: NonNullable<RequestInit['redirect']>;

  constructor(url: string | URL, init: RequestInit = {}) {
    this.url = String(url);
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? undefined;
    this.redirect = init.redirect ?? 'follow';
  }
}

/** fetch for LightRequests: the global fetch with plain init. */
export function lightFetch(request: LightRequest): Promise<Response> {
  return fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: request.redirect,
    ...(request.signal ? { signal: request.signal } : {}),
  });
}

const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * fetch for LightRequests over node:http(s) with a keep-alive agent: about 2.5x faster than the global
 * fetch on loopback (bench/RESULTS.md). Reads the whole body before resolving, so a connection reset
 * mid-response rejects here (and is retried as a connection error). Does not follow redirects (Ada's
 * API does not redirect). Bodies other than strings go through the global fetch.
 */
export function nodeFetch(request: LightRequest): Promise<Response> {
  const url = new URL(request.url);
  const body = request.body;
  if ((body !== null && body !== undefined && typeof body !== 'string') || !(url.protocol in agents)) return lightFetch(request);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: request.method,
      headers,
      agent: agents[url.protocol as keyof typeof agents],
      ...(request.signal ? { signal: request.signal } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('close', () => {
        if (!res.complete) return reject(Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' }));
        const status = res.statusCode ?? 0;
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
          status,
          statusText: res.statusMessage ?? '',
          headers: responseHeaders,
        }));
      });
    });
    req.once('error', reject);
    req.end(body ?? undefined);
  });
}
