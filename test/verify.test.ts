// verifyProvider against local providers, in process: the honest one passes, each drift is caught and
// named, setup problems are told apart from violations, and the token is never in the report.
// (The command itself is in verify-cli.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/prism.js';
import { prismProxyCanForward, startProxies, type VerifyOptions, verifyProvider, type Violation } from '../src/verify.js';
import { providerFactory, VERIFY_TOKEN, type Drift } from './providers.js';
import { CHILD_PROCESS_TIMEOUT } from './support.js';

const TOKEN = VERIFY_TOKEN;
const provider = providerFactory();

describe('verifyProvider setup problems', () => {
  it.each([
    ['intervalMs', { intervalMs: 2 ** 31 }],
    ['requestTimeoutMs', { requestTimeoutMs: 2 ** 31 }],
    ['backoffBaseMs', { backoffBaseMs: -1 }],
  ])('a %s no timer can hold is refused before anything starts', async (name, extra) => {
    await expect(verifyProvider({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, endUserId: 'x', ...extra })).rejects.toThrow(
      `${name} must be a number of milliseconds from 0 to 2147483647`,
    );
  });

  it(
    'a provider that stops answering is a setup error, not a violation',
    async () => {
      const port = await freePort(); // nothing listens there
      await expect(
        verifyProvider({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN, endUserId: 'x', intervalMs: 0, maxRequests: 1 }),
      ).rejects.toThrow(
        new RegExp(
          `^the provider did not answer: request to http://127\\.0\\.0\\.1:${port}/v2/end-users/x failed, reason: connect ECONNREFUSED`,
        ),
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('verifyProvider catches each kind of drift, naming it', () => {
  // [drift, the violation expected, its message]. Four requests each: the three examples, then one
  // invalid body (the 'none' run above sends all 50, every rule included).
  const drifts: Array<[Drift, Partial<Violation>, RegExp]> = [
    ['missing-required-field', { in: 'response', path: '', rule: 'required' }, /created_at/],
    ['wrong-type', { in: 'response', path: '/end_user_id', rule: 'type' }, /end_user_id must be string/],
    ['echoes-sensitive-metadata', { in: 'response', path: '/profile', rule: 'not' }, /must not contain sensitive_metadata/],
    ['error-body-not-errors-shape', { in: 'response', path: '', rule: 'required', status: 400 }, /must have required property 'errors'/],
    ['accepts-forbidden-bodies', { in: 'status', path: '', rule: 'status', status: 200 }, /answered 200 to a body the contract forbids/],
    // Statuses a valid body must not get: only 200 is right, 409 only when the body sets an external_id.
    [
      'method-not-allowed',
      { request: 'example "seed"', in: 'status', rule: 'status', status: 405 },
      /^answered 405 to a body the contract accepts: expected 200/,
    ],
    [
      'method-not-allowed',
      { request: expect.stringMatching(/^invalid body/), in: 'status', status: 405 },
      /^answered 405 to a body the contract forbids; expected 400 or 422/,
    ],
    [
      'conflict-always',
      { request: 'example "seed"', in: 'status', rule: 'status', status: 409 },
      /answered 409 .* expected 200 \(409 only when the body sets an external_id\)/,
    ],
    ['conflict-always', { request: 'example "clearFields"', in: 'status', status: 409 }, /expected 200/], // external_id: null sets none
    ['conflict-always', { request: expect.stringMatching(/^invalid body/), in: 'status', status: 409 }, /forbids; expected 400 or 422/],
    // Bodies that are not JSON: the provider's violation, named, not a failed request.
    ['text-plain', { request: 'example "seed"', in: 'response', path: '', rule: 'media-type' }, /media type "text\/plain"/],
    [
      'text-plain',
      { request: expect.stringMatching(/^invalid body/), in: 'response', path: '', rule: 'media-type', status: 200 },
      /media type "text\/plain"/,
    ],
    ['truncated-json', { request: 'example "seed"', in: 'response', path: '', rule: 'json' }, /^the body is not JSON/],
    ['truncated-json', { request: expect.stringMatching(/^invalid body/), in: 'response', path: '', rule: 'json' }, /not JSON/],
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
  /** verifyProvider against the shared provider playing `kind`; the report and how many requests reached it. */
  async function verifyAs(kind: Drift, extra: Partial<VerifyOptions> = {}) {
    const { server, proxies } = await shared;
    drift = kind;
    const before = server.requests.length;
    const report = await verifyProvider({
      baseUrl: server.url,
      token: TOKEN,
      endUserId: 'x',
      intervalMs: 0,
      seed: 11,
      maxRequests: 4,
      proxies,
      ...extra,
    });
    return { report, sent: server.requests.length - before };
  }

  it(
    'none: a provider that honours the contract has no violations',
    async () => {
      const { report } = await verifyAs('none', { maxRequests: 50 });
      expect(report).toMatchObject({ requests: 50, violations: [], unjudged: [], rulesChecked: 28, rulesTotal: 28 });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.each(drifts)(
    '%s: %o',
    async (kind, expected, message) => {
      const { report } = await verifyAs(kind);
      expect(report.violations).toContainEqual(expect.objectContaining({ ...expected, message: expect.stringMatching(message) }));
      expect(JSON.stringify(report)).not.toContain(TOKEN);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'conflict-always: a 409 to a body that sets an external_id is a right answer',
    async () => {
      const { report } = await verifyAs('conflict-always', { maxRequests: 3 });
      expect(report.violations.filter((v) => v.request === 'example "setExternalId"')).toEqual([]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'rate-limits-always: nothing is judged, and the report says so (never a clean run)',
    async () => {
      const { report, sent } = await verifyAs('rate-limits-always', { maxRequests: 3, backoffBaseMs: 1 });
      expect(report).toMatchObject({ requests: 3, violations: [] });
      expect(report.unjudged).toEqual(
        ['seed', 'setExternalId', 'clearFields'].map((name) => ({
          request: `example "${name}"`,
          reason: 'rate limited (429) after 4 retries',
        })),
      );
      expect(sent).toBe(15); // each request tried five times
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'rate-limits-once: a 429 is retried with backoff, not reported',
    async () => {
      const { report, sent } = await verifyAs('rate-limits-once', { maxRequests: 6, backoffBaseMs: 1 });
      expect(report).toMatchObject({ requests: 6, violations: [], unjudged: [] });
      expect(sent).toBe(12); // every request answered 429 once, then retried
    },
    CHILD_PROCESS_TIMEOUT,
  );

  // Prism proxy limitations that verify works around (pinned: when these fail, Prism changed).
  it(
    'through the proxy a falsy JSON body gets no answer, and a string body loses its quotes',
    async () => {
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
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
