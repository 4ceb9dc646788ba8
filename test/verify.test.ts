// `npm run verify` against local providers: the honest one passes, each drift is caught and named,
// bad arguments and setup problems end in one line and exit 2, and the token is never printed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/prism.js';
import { prismProxyCanForward, startProxies, verifyProvider, type Violation } from '../src/verify.js';
import { startProvider, type Drift } from './providers.js';
import type { TestServer } from './http-server.js';

const TOKEN = 'tok_verify_c2VjcmV0LXZhbHVl';
const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function provider(drift: Drift | (() => Drift)) {
  const server = await startProvider(drift);
  servers.push(server);
  return server;
}

function runVerify(args: string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', ...args], { timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

const baseArgs = (url: string) => ['--base-url', url, '--token', TOKEN, '--end-user-id', '5f7e0e2c1e7c7e000f0f9c3a', '--interval-ms', '0'];

describe('npm run verify (the CLI)', () => {
  it.concurrent('passes a provider that honours the contract: one line, exit 0', async () => {
    const server = await provider('none');
    const { code, stdout, stderr } = await runVerify([...baseArgs(server.url), '--seed', '7']);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'verified 50 requests, 0 violations\n', stderr: '' });
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches.length).toBe(50);
    expect(patches.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  }, 60_000);

  it.concurrent('exits 1 on drift, one line per violation, and says how to replay', async () => {
    const server = await provider('missing-required-field');
    const { code, stdout } = await runVerify([...baseArgs(server.url), '--max-requests', '3', '--seed', '3']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^✗ example "seed": response \(body\) required: .*'created_at'$/m);
    expect(stdout).toMatch(/^verified 3 requests, 3 violations$/m);
    expect(stdout).toContain('replay this run with --seed 3');
  }, 60_000);

  const closedPort = freePort();
  const badArguments: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['no token', async () => ['--base-url', 'http://127.0.0.1:9', '--end-user-id', 'x'], /--token is required/],
    ['no base URL', async () => ['--token', TOKEN, '--end-user-id', 'x'], /--base-url is required/],
    ['no end user id', async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN], /--end-user-id is required/],
    ['a malformed URL', async () => ['--base-url', 'acme.ada.support', '--token', TOKEN, '--end-user-id', 'x'], /--base-url must be an absolute http\(s\) URL/],
    ['an unreachable URL', async () => ['--base-url', `http://127.0.0.1:${await closedPort}`, '--token', TOKEN, '--end-user-id', 'x'], /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/],
    ['a bad --max-requests', async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--max-requests', '0'], /--max-requests must be an integer >= 1/],
    ['an unknown flag', async () => ['--base-url', 'http://127.0.0.1:9', '--token', TOKEN, '--end-user-id', 'x', '--tokn', 'y'], /Unknown option '--tokn'/],
  ];
  it.each(badArguments)('%s: one line, exit 2, no stack trace, no token', async (_name, args, message) => {
    const { code, stdout, stderr } = await runVerify(await args());
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')[0]).toMatch(/^verify: /);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain(TOKEN);
  });

  it.concurrent('a provider that refuses the token (and quotes it): exit 2, token redacted', async () => {
    const server = await provider('refuses-token');
    const { code, stdout, stderr } = await runVerify(baseArgs(server.url));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^verify: the provider refused the token \(401\); check --token$/m);
    expect(stdout + stderr).not.toContain(TOKEN);
  }, 60_000);
});

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
        signal: AbortSignal.timeout(1500),
      });
    await expect(send('null')).rejects.toMatchObject({ name: 'TimeoutError' });
    const before = server.requests.length;
    await send('"text"');
    expect(server.requests.slice(before).map((r) => r.body)).toEqual(['text']);
    expect([null, false, 0, '', 'text'].some(prismProxyCanForward)).toBe(false);
    expect([true, 7, [], {}].every(prismProxyCanForward)).toBe(true);
  }, 30_000);
});
