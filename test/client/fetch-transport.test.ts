// The direct transport of runtimes without node:http (workerd, browsers: src/client/transport-fetch.ts),
// run here on Node's fetch against real loopback servers: what test/runtimes cannot make a runtime do on
// cue (an answer that never comes, a caller who gives up), and what it can, checked on every change.
import { afterEach, describe, expect, it } from 'vitest';
import { createDirectTransport } from '../../src/client/transport-fetch.js';
import { TransportError } from '../../src/client/transport.js';
import { json } from '../helpers/http-server.js';
import { closeServers, never, serve } from '../helpers/client.js';

afterEach(closeServers);

const transport = createDirectTransport({ maxResponseBytes: 1000 });
const get = (url: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
  transport({ url, method: 'GET', headers: { authorization: 'Bearer t' }, timeoutMs: extra.timeoutMs ?? 5000, ...extra });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

describe('the fetch direct transport', () => {
  it('sends the request as given and answers with status, headers and text', async () => {
    const server = await serve((_req, res) => json(res, 200, { ok: 1 }, { 'x-request-id': 'r1' }));
    const answer = await transport({
      url: `${server.url}/v2/end-users/x`,
      method: 'PATCH',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"profile":{}}',
      timeoutMs: 5000,
    });
    expect([answer.status, answer.headers().get('x-request-id'), answer.text]).toEqual([200, 'r1', '{"ok":1}']);
    expect(server.requests[0]).toMatchObject({ method: 'PATCH', url: '/v2/end-users/x', body: '{"profile":{}}' });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer t');
  });

  it('an answer that never comes: a timeout TransportError once the attempt’s limit passes', async () => {
    const server = await serve(never);
    const error = await rejection(get(server.url, { timeoutMs: 200 }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: 'timeout', message: 'no answer within 200 ms', mayHaveArrived: true });
  });

  it('the caller’s abort, before or during the attempt: its reason, as it is', async () => {
    const server = await serve(never);
    const reason = new Error('the caller gave up');
    expect(await rejection(get(server.url, { signal: AbortSignal.abort(reason) }))).toBe(reason);
    const controller = new AbortController();
    const pending = get(server.url, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(pending)).toBe(reason);
  });

  it('a redirect is handed back, never followed', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, {}));
    const server = await serve((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/x` });
      res.end();
    });
    const answer = await get(server.url);
    expect([answer.status, answer.headers().get('location')]).toEqual([307, `${elsewhere.url}/x`]);
    expect(elsewhere.requests).toEqual([]);
  });

  it('more than maxResponseBytes: a too-large TransportError', async () => {
    const server = await serve((_req, res) => json(res, 200, { text: 'x'.repeat(5000) }));
    expect(await rejection(get(server.url))).toMatchObject({ kind: 'too-large', status: 200 });
  });
});
