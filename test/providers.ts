// Local providers on 127.0.0.1 for verify's tests: one that honours the contract, and ones that drift
// from it in one distinct way each.
import { afterAll } from 'vitest';
import { json, startServer, type TestServer } from './http-server.js';
import { validateUpdateEndUserRequest } from '../src/validation.js';
import type { Json } from '../src/json-pointer.js';

export type Drift =
  | 'none'
  | 'missing-required-field' // 200 without created_at
  | 'wrong-type' // end_user_id as a number
  | 'echoes-sensitive-metadata' // the write-only field comes back
  | 'error-body-not-errors-shape' // 400 with {error: "..."} instead of {errors: [...]}
  | 'accepts-forbidden-bodies' // 200 for anything
  | 'refuses-token' // 401 whose message quotes the token
  | 'rate-limits-once' // 429 (Retry-After: 0) on every other request, else honest
  | 'rate-limits-always' // 429 (Retry-After: 0) to everything
  | 'method-not-allowed' // 405 with an Errors body to everything
  | 'conflict-always' // 409 with an Errors body to everything
  | 'text-plain' // 200 text/plain to everything
  | 'truncated-json'; // 200 application/json that breaks off

/** A provider; `drift` may be a function, so one server (and one pair of proxies) can play several. */
export function startProvider(drift: Drift | (() => Drift)): Promise<TestServer> {
  const current = typeof drift === 'function' ? drift : () => drift;
  let served = 0; // requests served since the drift last changed
  let previous: Drift | undefined;
  return startServer((request, response) => {
    const drift = current();
    served = drift === previous ? served + 1 : 1;
    previous = drift;
    if (drift === 'rate-limits-once' && served % 2 === 1) {
      return json(response, 429, { errors: [{ type: 'rate_limited', message: 'Too many requests.' }] }, { 'retry-after': '0' });
    }
    if (drift === 'rate-limits-always') {
      return json(response, 429, { errors: [{ type: 'rate_limited', message: 'Too many requests.' }] }, { 'retry-after': '0' });
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
    if (drift === 'refuses-token') {
      return json(response, 401, { errors: [{ type: 'unauthorized', message: `key ${request.headers.authorization} is not valid` }] });
    }
    let body: Json;
    try {
      body = JSON.parse(request.body);
    } catch {
      return json(response, 400, { errors: [{ type: 'bad_request', message: 'Body is not JSON.' }] });
    }
    const verdict = validateUpdateEndUserRequest(body);
    if (!verdict.ok && drift !== 'accepts-forbidden-bodies') {
      const message = `${verdict.errors[0]!.path}: ${verdict.errors[0]!.message}`;
      return json(
        response,
        400,
        drift === 'error-body-not-errors-shape' ? { error: message } : { errors: [{ type: 'validation_error', message }] },
      );
    }
    const { sensitive_metadata: sensitive, ...profile } = (body?.profile ?? {}) as Record<string, unknown>;
    const user: Record<string, unknown> = {
      end_user_id: '5f7e0e2c1e7c7e000f0f9c3a',
      external_id: body?.external_id ?? null,
      profile: { ...profile, system_properties: { sunshine_user_id: null } },
      created_at: '2020-09-20T00:00:00+00:00',
      updated_at: '2026-11-26T12:00:00+00:00',
    };
    if (drift === 'missing-required-field') delete user.created_at;
    if (drift === 'wrong-type') user.end_user_id = 42;
    if (drift === 'echoes-sensitive-metadata') (user.profile as Record<string, unknown>).sensitive_metadata = sensitive ?? { fields: {} };
    json(response, 200, user);
  });
}

/** The API token verify's tests use; no output may ever contain it. */
export const VERIFY_TOKEN = 'tok_verify_c2VjcmV0LXZhbHVl';

/** startProvider for a test file: every provider it starts is closed after the file's tests. */
export function providerFactory(): (drift: Drift | (() => Drift)) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));
  return async (drift) => {
    const server = await startProvider(drift);
    servers.push(server);
    return server;
  };
}
