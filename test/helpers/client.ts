// The client's tests' shared parts: servers on 127.0.0.1 that answer attempt by attempt, a client on one
// whose retries are recorded instead of waited for, and the ways to look at what failed.
import type { ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { createAdaClient, type AdaClientOptions, type EndUser, type RetryInfo } from '../../src/client/client.js';
import type { AdaError } from '../../src/client/errors.js';
import { json, startRawServer, startServer, type RecordedRequest, type TestServer } from './http-server.js';
import { seedResponse, TEST_TOKEN } from './support.js';

/** How a server answers one request: `attempt` is the request's number (1-based) on that server. */
export type Answer = (request: RecordedRequest, response: ServerResponse, attempt: number) => void;

const open: TestServer[] = [];

/** A server that answers attempt n with answers[n-1], repeating the last one; closed by closeServers(). */
export async function serve(...answers: Answer[]): Promise<TestServer> {
  const server = await startServer((request, response) => {
    const attempt = server.requests.length;
    answers[Math.min(attempt, answers.length) - 1]!(request, response, attempt);
  });
  open.push(server);
  return server;
}

/** A raw TCP server (answers node:http would refuse to write); closed by closeServers(). */
export async function serveRaw(answer: (requestHead: string) => string | Buffer): Promise<TestServer> {
  const server = await startRawServer(answer);
  open.push(server);
  return server;
}

/** Closes every server the test started (each client test file calls it after each test). */
export async function closeServers(): Promise<void> {
  await Promise.all(open.splice(0).map((server) => server.close()));
}

export const ok: Answer = (_req, res) => json(res, 200, seedResponse());
/** An Errors body with status `code` (type `error_<code>`, message `answer <code>`). */
export const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) =>
    json(res, code, { errors: [{ type: `error_${code}`, message: `answer ${code}` }] }, headers);
/** Accepts and reads the request, never answers. */
export const never: Answer = () => {};

/** A client on `server` whose retries are recorded by onRetry, not waited for; `call` sends one update. */
export function client(server: TestServer, extra: Partial<AdaClientOptions> = {}, token = TEST_TOKEN) {
  const retries: RetryInfo[] = [];
  const ada = createAdaClient({
    baseUrl: server.url,
    token,
    onRetry: (info) => retries.push(info),
    sleep: async () => {},
    ...extra,
  } as AdaClientOptions);
  return { ada, retries, call: () => ada.updateEndUser('x', { profile: { first_name: 'Ada' } }) };
}

/** The global fetch as a caller's own `fetch` option: the other transport. */
export const globalFetch = { fetch: (request: Request) => fetch(request) };
export const transports: Array<[string, Partial<AdaClientOptions>]> = [
  ['the default transport', {}],
  ['a caller’s fetch', globalFetch],
];

/** The error a promise rejects with; fails the test if it resolves. */
export const failure = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as AdaError,
  );

/** The seed end user under another id. */
export const user = (id: string): EndUser => ({ ...(seedResponse() as EndUser), end_user_id: id });

/** Every way a value can be looked at (inspect with hidden fields, JSON, String, its stack) holds no token. */
export function expectNoToken(...values: unknown[]): void {
  for (const value of values) {
    const views =
      typeof value === 'string'
        ? [value]
        : [inspect(value, { depth: 20, showHidden: true }), JSON.stringify(value), String(value), (value as Error | undefined)?.stack];
    for (const view of views) expect(view ?? '').not.toContain(TEST_TOKEN);
  }
}
