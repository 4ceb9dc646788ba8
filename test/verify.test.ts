// verifyProvider against local providers, in process: the honest one passes, each drift is caught and
// named, setup problems are told apart from violations, and the token is never in the report.
// (The command itself is in verify-cli.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/prism.js';
import { prismProxyCanForward, startProxies, verifyProvider, type Violation } from '../src/verify.js';
import { providerFactory, VERIFY_TOKEN, type Drift } from './providers.js';

const TOKEN = VERIFY_TOKEN;
const provider = providerFactory();

describe('verifyProvider setup problems', () => {
  it('a provider that stops answering is a setup error, not a violation', async () => {
    const port = await freePort(); // nothing listens there
    await expect(verifyProvider({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, endUserId: 'x', intervalMs: 0, maxRequests: 1 }))
      .rejects.toThrow(new RegExp(`^the provider did not answer: request to http://127\\.0\\.0\\.1:${port}/v2/end-users/x failed, reason: connect ECONNREFUSED`));
  }, 30_000);
});

describe('verifyProvider catches each kind of drift, naming it', () => {
  const drifts: Array<[Drift, Partial<Violation>, RegExp]> = [
    ['missing-required-field', { in: 'response', path: '', rule: 'required' }, /created_at/],
    ['wrong-type', { in: 'response', path: '/end_user_id', rule: 'type' }, /end_user_id must be string/],
    ['echoes-sensitive-metadata', { in: 'response', path: '/profile', rule: 'not' }, /must not contain sensitive_metadata/],
    ['error-body-not-errors-shape', { in: 'response', path: '', rule: 'required', status: 400 }, /must have required property 'errors'/],
    ['accepts-forbidden-bodies', { in: 'status', path: '', rule: 'status', status: 200 }, /answered 200 to a body the contract forbids/],
  ];
  // One provider playing each drift in turn, behind one pair of proxies: Prism starts once.
  let drift: Drift = 'none';
  const shared = (async () => {
    const server = await provider(() => drift);
    return { server, proxies: await startProxies(server.url) };
  })();
  afterAll(async () => {
    const { proxies } = await shared;
    await Promise.all([proxies.strict.stop(), proxies.passthrough.stop()]);
  });

  it('none: a provider that honours the contract has no violations', async () => {
    const { server, proxies } = await shared;
    drift = 'none';
    const report = await verifyProvider({ baseUrl: server.url, token: TOKEN, endUserId: 'x', intervalMs: 0, seed: 11, proxies });
    expect(report).toMatchObject({ requests: 50, violations: [], rulesChecked: 28, rulesTotal: 28 });
  }, 60_000);

  it.each(drifts)('%s', async (kind, expected, message) => {
    const { server, proxies } = await shared;
    drift = kind;
    const report = await verifyProvider({ baseUrl: server.url, token: TOKEN, endUserId: 'x', intervalMs: 0, seed: 11, maxRequests: 35, proxies });
    expect(report.violations).toContainEqual(expect.objectContaining({ ...expected, message: expect.stringMatching(message) }));
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  }, 60_000);

  it('rate-limits-once: a 429 is retried with backoff, not reported', async () => {
    const { server, proxies } = await shared;
    drift = 'rate-limits-once';
    const before = server.requests.length;
    const report = await verifyProvider({ baseUrl: server.url, token: TOKEN, endUserId: 'x', intervalMs: 0, seed: 11, maxRequests: 35, proxies, backoffBaseMs: 1 });
    expect(report).toMatchObject({ requests: 35, violations: [] });
    expect(server.requests.length - before).toBe(70); // every request answered 429 once, then retried
  }, 60_000);

  // Prism proxy limitations that verify works around (pinned: when these fail, Prism changed).
  it('through the proxy a falsy JSON body gets no answer, and a string body loses its quotes', async () => {
    const { server, proxies } = await shared;
    drift = 'none';
    const send = (body: string) =>
      fetch(`${proxies.passthrough.url}/v2/end-users/x`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
        signal: AbortSignal.timeout(500), // Prism never answers; half a second shows it
      });
    await expect(send('null')).rejects.toMatchObject({ name: 'TimeoutError' });
    const before = server.requests.length;
    await send('"text"');
    expect(server.requests.slice(before).map((r) => r.body)).toEqual(['text']);
    expect([null, false, 0, '', 'text'].some(prismProxyCanForward)).toBe(false);
    expect([true, 7, [], {}].every(prismProxyCanForward)).toBe(true);
  }, 30_000);
});
