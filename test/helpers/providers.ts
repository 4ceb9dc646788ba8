// Local providers on 127.0.0.1 for verify's tests: one that honours the contract (the kit's stateful
// store, which behaves as Ada documents, served directly: no Prism in front), and ones that drift from
// it in one distinct way each, by changing what the honest one answers.
import type { ServerResponse } from 'node:http';
import { afterAll } from 'vitest';
import { startFakeServer, type FakeServer } from '../../src/fake/server.js';
import { EndUserStore } from '../../src/fake/store.js';
import { WebhookSender, type WebhookTarget } from '../../src/fake/webhook-sender.js';
import type { Json } from '../../src/contract/json-pointer.js';
import { json, startServer, type RecordedRequest, type TestServer } from './http-server.js';
import { seedResponse } from './support.js';

export type Drift =
  | 'none'
  | 'missing-required-field' // end users without created_at
  | 'wrong-type' // end_user_id as a number
  | 'echoes-sensitive-metadata' // the write-only field comes back
  | 'error-body-not-errors-shape' // 4xx with {error: "..."} instead of {errors: [...]}
  | 'accepts-forbidden-requests' // what it should refuse (400) it answers 200 with the end user
  | 'refuses-token' // 401 whose message quotes the token
  | 'rate-limits-once' // 429 (Retry-After: 0) on every other request, else honest
  | 'rate-limits-always' // 429 (Retry-After: 0) to everything
  | 'method-not-allowed' // 405 with an Errors body to everything
  | 'conflict-always' // 409 with an Errors body to everything
  | 'text-plain' // 200 text/plain to everything
  | 'truncated-json' // 200 application/json that breaks off
  | 'unknown-id-found' // 200 with the given end user for any id
  | 'page-over-limit' // a page holds one end user more than its limit
  | 'next-page-elsewhere' // next_page_url on another origin
  | 'pages-repeat' // next_page_url leads to the same page again
  | 'upsert-makes-new' // a create with a known external_id makes another end user (201)
  | 'lookup-returns-page' // a lookup by external_id answers a page
  | 'single-page' // the list never has a next page
  | 'redirects' // 307 to the same path on another port of the same host (elsewhere), which answers honestly
  | 'redirects-302' // the same with 302
  | 'server-error-always' // 500 with an Errors body to everything
  | 'unavailable-always' // 503 with an Errors body to everything
  | 'hangs' // never answers (the connection stays open)
  | 'bounds-one-wider'; // takes limit=0, limit=101 and a 37-character external_id as the nearest value in bounds

/** The end user verify's tests name (the spec's seed response), and one more, so that the list has pages. */
export const GIVEN_END_USER_ID = '5f7e0e2c1e7c7e000f0f9c3a';
const seed = () => [
  { ...seedResponse(), external_id: 'crm-given' },
  { end_user_id: '65a17e3f43bec88e2792d0eb', profile: { first_name: 'Second' } },
];

/** The API token verify's tests use; no output may ever contain it. */
export const VERIFY_TOKEN = 'tok_verify_c2VjcmV0LXZhbHVl';

export interface Provider extends TestServer {
  /**
   * Another origin (the same host, another port) that answers as the honest provider does: where
   * next_page_url points for 'next-page-elsewhere' and a redirect for 'redirects'. It must never be requested.
   */
  elsewhere: TestServer;
  /** Back to the seeded end users (between runs that create or update). */
  reset(): void;
}

/**
 * A provider; `drift` may be a function, so one server (and one proxy) can play several. With
 * `webhooks`, it sends the fake's signed webhooks there, as Ada sends hers to a registered endpoint.
 */
export async function startProvider(drift: Drift | (() => Drift), webhooks?: WebhookTarget): Promise<Provider> {
  const current = typeof drift === 'function' ? drift : () => drift;
  const store = new EndUserStore({}, seed());
  let server: TestServer | undefined;
  const sender = webhooks ? new WebhookSender(webhooks, () => {}) : undefined;
  const honest: FakeServer = await startFakeServer(store, sender, () => server!.url);
  const elsewhere = await startServer((request, response) => {
    answer('none', 1, request, response, honest.url, '').catch(() => response.destroy());
  });
  let served = 0; // requests served since the drift last changed
  let previous: Drift | undefined;
  server = await startServer((request, response) => {
    const drift = current();
    served = drift === previous ? served + 1 : 1;
    previous = drift;
    answer(drift, served, request, response, honest.url, elsewhere.url).catch(() => {
      // The honest store unreachable (closing at the end of a test): a gateway's answer, nothing unhandled.
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  const close = server.close;
  return Object.assign(server, {
    elsewhere,
    reset: () => store.reset(seed()),
    close: async () => {
      await Promise.all([close(), honest.close(), elsewhere.close()]);
    },
  });
}

async function answer(
  drift: Drift,
  served: number,
  request: RecordedRequest,
  response: ServerResponse,
  honestUrl: string,
  elsewhereUrl: string,
) {
  const rateLimited = { errors: [{ type: 'rate_limited', message: 'Too many requests.' }] };
  if ((drift === 'rate-limits-once' && served % 2 === 1) || drift === 'rate-limits-always') {
    return json(response, 429, rateLimited, { 'retry-after': '0' });
  }
  if (drift === 'method-not-allowed')
    return json(response, 405, { errors: [{ type: 'method_not_allowed', message: 'Method not allowed.' }] });
  if (drift === 'conflict-always') return json(response, 409, { errors: [{ type: 'conflict', message: 'Taken.' }] });
  if (drift === 'text-plain') {
    response.writeHead(200, { 'content-type': 'text/plain' });
    return response.end('OK');
  }
  if (drift === 'truncated-json') {
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end('{"end_user_id": "5f7e');
  }
  if (drift === 'server-error-always') return json(response, 500, { errors: [{ type: 'internal_error', message: 'Boom.' }] });
  if (drift === 'unavailable-always') return json(response, 503, { errors: [{ type: 'unavailable', message: 'Down.' }] });
  if (drift === 'hangs') return; // the answer never comes
  if ((drift === 'redirects' || drift === 'redirects-302') && request.method !== 'HEAD') {
    response.writeHead(drift === 'redirects' ? 307 : 302, { location: `${elsewhereUrl}${request.url}` });
    return response.end();
  }
  if (drift === 'refuses-token') {
    return json(response, 401, { errors: [{ type: 'unauthorized', message: `key ${request.headers.authorization} is not valid` }] });
  }

  if (request.method === 'HEAD') {
    response.writeHead(200); // the CLI's reachability probe
    return response.end();
  }
  const url = new URL(request.url, honestUrl);
  const isList = request.method === 'GET' && url.pathname === '/v2/end-users/';
  if (drift === 'page-over-limit' && isList && url.searchParams.has('limit')) {
    url.searchParams.set('limit', String(Number(url.searchParams.get('limit')) + 1));
  }
  if (drift === 'bounds-one-wider' && isList) {
    const nearest: Record<string, string> = { '0': '1', '101': '100' };
    const limit = url.searchParams.get('limit');
    if (limit !== null && limit in nearest) url.searchParams.set('limit', nearest[limit]!);
    const externalId = url.searchParams.get('external_id');
    if (externalId !== null && [...externalId].length === 37) url.searchParams.set('external_id', [...externalId].slice(0, 36).join(''));
  }
  let body = request.body;
  if (drift === 'upsert-makes-new' && request.method === 'POST') {
    const parsed = JSON.parse(body) as Json;
    delete parsed.external_id; // the external_id ignored: every create is a new end user
    body = JSON.stringify(parsed);
  }
  const forwarded = await fetch(url, {
    method: request.method,
    headers: { 'content-type': 'application/json' },
    ...(request.method === 'GET' ? {} : { body }),
  });
  let status = forwarded.status;
  let answerBody = (await forwarded.json()) as Json;

  if (drift === 'accepts-forbidden-requests' && status === 400) {
    status = 200;
    answerBody = seedResponse();
  }
  if (drift === 'unknown-id-found' && status === 404 && !isList) {
    status = 200;
    answerBody = seedResponse();
  }
  if (drift === 'lookup-returns-page' && isList && url.searchParams.has('external_id') && status === 200) {
    answerBody = { data: [answerBody], meta: { next_page_url: null } };
  }
  if (isList && status === 200 && answerBody?.meta?.next_page_url) {
    const next = new URL(answerBody.meta.next_page_url);
    if (drift === 'next-page-elsewhere') answerBody.meta.next_page_url = `${elsewhereUrl}${next.pathname}${next.search}`;
    if (drift === 'pages-repeat') answerBody.meta.next_page_url = `${next.origin}${url.pathname}${url.search}`;
    if (drift === 'single-page') answerBody.meta.next_page_url = null;
  }
  const endUsers: Json[] = status < 300 ? (Array.isArray(answerBody?.data) ? answerBody.data : [answerBody]) : [];
  for (const user of endUsers) {
    if (drift === 'missing-required-field') delete user.created_at;
    if (drift === 'wrong-type') user.end_user_id = 42;
    if (drift === 'echoes-sensitive-metadata') user.profile.sensitive_metadata = { fields: { session: 'abc' } };
  }
  if (drift === 'error-body-not-errors-shape' && status >= 400) answerBody = { error: answerBody?.errors?.[0]?.message ?? 'error' };
  json(response, status, answerBody);
}

/** startProvider for a test file: every provider it starts is closed after the file's tests. */
export function providerFactory(): (drift: Drift | (() => Drift), webhooks?: WebhookTarget) => Promise<Provider> {
  const servers: Provider[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));
  return async (drift, webhooks) => {
    const server = await startProvider(drift, webhooks);
    servers.push(server);
    return server;
  };
}
