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
