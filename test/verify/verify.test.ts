// verifyProvider against local providers, in process: the honest one (the kit's store, which behaves
// as Ada documents) passes with every operation verified, each drift is caught and named (one answer's
// shape, its status, or what answers say together), setup problems are told apart from violations,
// what cannot be judged says so, and the token is never in the report.
// (The command itself is in test/ci/verify-cli.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../src/mock/proxy.js';
import { startProxies, type VerifyOptions, verifyProvider, type Violation } from '../../src/verify/index.js';
import { GIVEN_END_USER_ID, providerFactory, VERIFY_TOKEN, type Drift } from '../helpers/providers.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';
import { freePort } from '../helpers/net.js';

const TOKEN = VERIFY_TOKEN;
const provider = providerFactory();

describe('verifyProvider setup problems', () => {
  it.each([
    ['intervalMs', { intervalMs: 2 ** 31 }, 0],
    ['requestTimeoutMs', { requestTimeoutMs: 0 }, 1],
    ['backoffBaseMs', { backoffBaseMs: -1 }, 0],
  ])('a %s no timer can hold is refused before anything starts', async (name, extra, least) => {
    await expect(verifyProvider({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, endUserId: 'x', ...extra })).rejects.toThrow(
      `${name} must be a number of milliseconds from ${least} to 2147483647`,
    );
  });

  it('create must be a boolean', async () => {
    await expect(verifyProvider({ baseUrl: 'http://127.0.0.1:9', token: TOKEN, endUserId: 'x', create: 'yes' as never })).rejects.toThrow(
      'create must be a boolean',
    );
  });

  // Concurrent: it waits on a Prism start of its own, touching nothing shared.
  it.concurrent(
    'a provider that stops answering is a setup error, not a violation',
    async () => {
      const port = await freePort(); // nothing listens there
      await expect(
        verifyProvider({
          baseUrl: `http://127.0.0.1:${port}`,
          token: TOKEN,
          endUserId: 'x',
          intervalMs: 0,
          maxRequests: 1,
          backoffBaseMs: 1,
        }),
      ).rejects.toThrow(
        new RegExp(
          `^the provider did not answer: request to http://127\\.0\\.0\\.1:${port}/v2/end-users/x failed, reason: connect ECONNREFUSED`,
        ),
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

describe('verifyProvider verifies every operation, and catches each kind of drift, naming it', () => {
  // One provider playing each drift in turn, behind one proxy: Prism starts once.
  let drift: Drift = 'none';
  const shared = (async () => {
    const server = await provider(() => drift);
    return { server, proxies: await startProxies(server.url) };
  })();
  afterAll(async () => {
    const { proxies } = await shared;
    await proxies.passthrough.stop();
  });
  /** verifyProvider against the shared provider playing `kind` (its end users as seeded); the report and what reached it. */
  async function verifyAs(kind: Drift, extra: Partial<VerifyOptions> = {}) {
    const { server, proxies } = await shared;
    drift = kind;
    server.reset();
    const before = server.requests.length;
    const report = await verifyProvider({
      baseUrl: server.url,
      token: TOKEN,
      endUserId: GIVEN_END_USER_ID,
      intervalMs: 0,
      seed: 11,
      proxies,
      ...extra,
    });
    return { report, sent: server.requests.slice(before) };
  }

  it(
    'none: a provider that honours the contract has no violations, every operation and every rule verified',
    async () => {
      const { report, sent } = await verifyAs('none', { create: true });
      expect(report).toMatchObject({ violations: [], unjudged: [] });
      expect(report.rulesChecked).toBe(report.rulesTotal);
      expect(report.rulesTotal).toBe(6 + 28 + 28); // the list's parameters, the update's and the create's bodies
      expect(report.operations.sort()).toEqual(['createEndUser', 'getEndUser', 'listEndUsers', 'updateEndUser']);
      // The list was walked through next_page_url: page 2 asked for with the cursor the provider wrote.
      expect(sent.filter((r) => r.method === 'GET' && r.url.includes('cursor=')).length).toBeGreaterThanOrEqual(1);
      expect(sent.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'without create, nothing is created (no POST reaches the provider)',
    async () => {
      const { report, sent } = await verifyAs('none', { maxRequests: 20 });
      expect(report).toMatchObject({ requests: 20, violations: [], unjudged: [] });
      expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  // [drift, options, the violation expected, its message].
  const drifts: Array<[Drift, Partial<VerifyOptions>, Partial<Violation>, RegExp]> = [
    [
      'missing-required-field',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'response', path: '', rule: 'required' },
      /created_at/,
    ],
    ['wrong-type', { maxRequests: 1 }, { in: 'response', path: '/end_user_id', rule: 'type' }, /end_user_id must be string/],
    [
      'echoes-sensitive-metadata',
      { maxRequests: 1 },
      { in: 'response', path: '/profile', rule: 'not' },
      /must not contain sensitive_metadata/,
    ],
    [
      'echoes-sensitive-metadata',
      { maxRequests: 3 },
      { request: 'listEndUsers: page 1 (limit 1)', in: 'response', path: '/data/0/profile', rule: 'not' },
      /must not contain sensitive_metadata/,
    ],
    [
      'error-body-not-errors-shape',
      { maxRequests: 2 },
      { request: 'getEndUser: an unknown id', in: 'response', path: '', rule: 'required', status: 404 },
      /must have required property 'errors'/,
    ],
    [
      'unknown-id-found',
      { maxRequests: 2 },
      { request: 'getEndUser: an unknown id', in: 'status', status: 200 },
      /expected 404 with an Errors body/,
    ],
    [
      'accepts-forbidden-requests',
      { maxRequests: 12 },
      { request: 'listEndUsers: invalid query (/limit type)', in: 'status', rule: 'status', status: 200 },
      /^answered 200 to a request the contract forbids; expected 400 or 422/,
    ],
    [
      'accepts-forbidden-requests',
      { maxRequests: 20 },
      { request: expect.stringMatching(/^updateEndUser: invalid body/), in: 'status', status: 200 },
      /contract forbids/,
    ],
    // Bounds one wider than the contract's: caught only by values one past each bound.
    ...(
      [
        ['/limit minimum', 200],
        ['/limit maximum', 200],
        ['/external_id maxLength', 404], // looked up as if it were an external_id: none holds it
      ] as const
    ).map(([rule, status]): [Drift, Partial<VerifyOptions>, Partial<Violation>, RegExp] => [
      'bounds-one-wider',
      { maxRequests: 20 },
      { request: `listEndUsers: invalid query (${rule})`, in: 'status', status },
      /contract forbids/,
    ]),
    // Statuses a valid request must not get: only 200 is right, 409 only when the body sets an external_id.
    [
      'method-not-allowed',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'status', status: 405 },
      /^answered 405 to a request the contract accepts: expected 200: Method not allowed/,
    ],
    [
      'conflict-always',
      { maxRequests: 8 },
      { request: 'updateEndUser: example "seed"', in: 'status', rule: 'status', status: 409 },
      /expected 200 \(409 only when the body sets an external_id\)/,
    ],
    [
      'conflict-always',
      { maxRequests: 10 },
      { request: 'updateEndUser: example "clearFields"', in: 'status', status: 409 },
      /expected 200/,
    ], // external_id: null sets none
    // Bodies that are not JSON: the provider's violation, named, not a failed request.
    [
      'text-plain',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'response', path: '', rule: 'media-type', status: 200 },
      /media type "text\/plain"/,
    ],
    [
      'truncated-json',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'response', path: '', rule: 'json', status: 200 },
      /^the body is not JSON \(200, application\/json\): "\{\\"end_user_id\\": \\"5f7e"$/,
    ],
    // A redirect is an answer no operation documents: a violation, never followed.
    [
      'redirects',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'status', rule: 'status', status: 307 },
      /^answered 307 to a request the contract accepts: expected 200/,
    ],
    [
      'redirects-302',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'status', rule: 'status', status: 302 },
      /^answered 302 to a request the contract accepts/,
    ],
    // A server error is never a right answer (Schemathesis: not_a_server_error).
    [
      'server-error-always',
      { maxRequests: 1 },
      { request: 'getEndUser: the given end user', in: 'status', rule: 'not_a_server_error', status: 500 },
      /^answered 500 to a request the contract accepts: expected 200: Boom\.$/,
    ],
    [
      'unavailable-always',
      { maxRequests: 1, backoffBaseMs: 1 },
      { request: 'getEndUser: the given end user', in: 'status', rule: 'not_a_server_error', status: 503 },
      /^answered 503/,
    ],
    // What answers say together.
    [
      'page-over-limit',
      { maxRequests: 3 },
      { request: 'listEndUsers: page 1 (limit 1)', in: 'behaviour', rule: 'limit' },
      /holds 2 end users, more than limit=1/,
    ],
    [
      'pages-repeat',
      { maxRequests: 4 },
      // The client's rule (PageTrail): a link back to a page already read is refused, not followed.
      { request: 'listEndUsers: page 1 (limit 1)', in: 'behaviour', rule: 'next-page', path: '/meta/next_page_url' },
      /repeats a cursor already followed .*: not followed$/,
    ],
    [
      'next-page-elsewhere',
      { maxRequests: 4 },
      { request: 'listEndUsers: page 1 (limit 1)', in: 'behaviour', rule: 'same-origin', path: '/meta/next_page_url' },
      /must be on the list.s own URL .*: not requested, it would carry the token/,
    ],
    [
      'lookup-returns-page',
      { maxRequests: 7 },
      { request: 'listEndUsers: lookup of the given end user’s external_id', in: 'behaviour', rule: 'lookup' },
      /must be the one end user, not a page/,
    ],
    [
      'upsert-makes-new',
      { maxRequests: 4, create: true },
      { request: 'createEndUser: the same external_id again', in: 'status', status: 201 },
      /expected 200 \(an upsert: the end user that holds the external_id\)/,
    ],
  ];

  it.each(drifts)(
    '%s (%o): %o',
    async (kind, options, expected, message) => {
      const { report } = await verifyAs(kind, options);
      expect(report.violations).toContainEqual(expect.objectContaining({ ...expected, message: expect.stringMatching(message) }));
      expect(JSON.stringify(report)).not.toContain(TOKEN);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'the invalid list requests are the ones one past each bound: limit=0, limit=101, an external_id of 37 characters and an empty one',
    async () => {
      const { sent } = await verifyAs('none', { maxRequests: 20 });
      const queries = sent.filter((r) => r.method === 'GET').map((r) => new URL(r.url, 'http://127.0.0.1').searchParams);
      const limits = queries.map((q) => q.get('limit'));
      expect(limits).toContain('0');
      expect(limits).toContain('101');
      const externalIds = queries.map((q) => q.get('external_id')).filter((id) => id !== null);
      expect(externalIds).toContain('');
      expect(externalIds.map((id) => [...id].length)).toContain(37);
      expect(externalIds.some((id) => /[<>]/.test(id))).toBe(true);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'next-page-elsewhere: the other origin is never asked (the token stays home)',
    async () => {
      const { server } = await shared;
      const before = server.elsewhere.requests.length;
      await verifyAs('next-page-elsewhere', { maxRequests: 6 });
      expect(server.elsewhere.requests.slice(before)).toEqual([]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.each(['redirects', 'redirects-302'] as const)(
    '%s: the redirect is never followed, so neither the token nor any request reaches the other origin',
    async (kind) => {
      const { server } = await shared;
      const before = server.elsewhere.requests.length;
      const { report, sent } = await verifyAs(kind, { maxRequests: 12, create: true });
      expect(sent.length).toBeGreaterThanOrEqual(12);
      expect(server.elsewhere.requests.slice(before)).toEqual([]);
      expect(report.violations.length).toBeGreaterThanOrEqual(12); // every answer a 3xx, every one a violation
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'startProxy (with --errors, its default) never follows a redirect either: the other origin gets nothing',
    async () => {
      const server = await provider('redirects');
      const proxy = await startProxy({ upstream: server.url });
      try {
        const answer = await fetch(`${proxy.url}/v2/end-users/${GIVEN_END_USER_ID}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
          redirect: 'manual',
        });
        await answer.arrayBuffer();
        expect(answer.status).toBeGreaterThanOrEqual(300); // the provider's 307, or --errors' 500 for it: never the 200 from elsewhere
        expect(server.elsewhere.requests).toEqual([]);
      } finally {
        await proxy.stop();
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'answers a retry cannot change are judged once: not JSON, a 500 (no retry reaches the provider)',
    async () => {
      for (const kind of ['truncated-json', 'text-plain', 'server-error-always'] as const) {
        const { sent } = await verifyAs(kind, { maxRequests: 1, backoffBaseMs: 1 });
        expect([kind, sent.length]).toEqual([kind, 1]);
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a provider answering 5xx to everything is found quickly: three requests, three violations, then the run stops',
    async () => {
      for (const [kind, attempts] of [
        ['server-error-always', 1],
        ['unavailable-always', 5], // a 503 may pass: retried 4 times first
      ] as const) {
        const { report, sent } = await verifyAs(kind, { backoffBaseMs: 1 });
        expect(report.requests).toBe(3);
        expect(sent).toHaveLength(3 * attempts);
        expect(report.violations.map((v) => v.rule)).toEqual(['not_a_server_error', 'not_a_server_error', 'not_a_server_error']);
        expect(report.stopped).toMatch(/^the provider answered 5xx to 3 requests in a row/);
        expect(report.unjudged).toContainEqual({ request: 'the rest of the run', reason: expect.stringMatching(/^not sent: /) });
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  /** verify against a provider that answers three requests, then never again. */
  async function goingQuiet(extra: Partial<VerifyOptions>) {
    let served = 0;
    const server = await provider(() => (served++ < 3 ? 'none' : 'hangs'));
    return verifyProvider({ baseUrl: server.url, token: TOKEN, endUserId: GIVEN_END_USER_ID, intervalMs: 0, ...extra });
  }

  // These two wait (on a budget, on a timeout) against providers of their own: concurrent with each other.
  it.concurrent(
    'every run ends: when maxTimeMs is spent mid-request, the run stops and says what it judged and what it could not',
    async () => {
      const report = await goingQuiet({ maxTimeMs: 4_000 }); // the request timeout (30 s) alone would not end it
      expect(report.stopped).toBe('the time budget (4 s) ran out');
      // Three answered, the fourth cut off (on a machine slow enough, the budget may end sooner: never later).
      expect(report.requests).toBeLessThanOrEqual(4);
      expect(report.violations).toEqual([]);
      expect(report.unjudged).toEqual([
        { request: expect.any(String), reason: 'the time budget (4 s) ran out' },
        { request: 'the rest of the run', reason: 'not sent: the time budget (4 s) ran out' },
      ]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.concurrent(
    'a provider that goes away mid-run ends the run with what it judged (unjudged, not a setup error)',
    async () => {
      const report = await goingQuiet({ requestTimeoutMs: 3_000 });
      expect(report.stopped).toMatch(/^the provider stopped answering \(no answer to listEndUsers: page 2 \(limit 1\) within 3000 ms\)$/);
      expect(report.requests).toBe(4);
      expect(report.unjudged).toHaveLength(2);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'upsert-makes-new: the second create’s end user is named as not the first',
    async () => {
      const { report } = await verifyAs('upsert-makes-new', { maxRequests: 4, create: true });
      expect(report.violations).not.toContainEqual(expect.objectContaining({ rule: 'upsert' })); // 201 is already the finding; no double count
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'single-page: a list too short to page leaves next_page_url unjudged, and the report says so (never a clean run)',
    async () => {
      const { report } = await verifyAs('single-page', { maxRequests: 5 });
      expect(report.violations).toEqual([]);
      expect(report.unjudged).toEqual([
        { request: 'listEndUsers: pages', reason: expect.stringMatching(/^the list ended after one page at limit 1/) },
      ]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'conflict-always: a 409 to a body that sets an external_id is a right answer',
    async () => {
      const { report } = await verifyAs('conflict-always', { maxRequests: 10 });
      expect(report.violations.filter((v) => v.request === 'updateEndUser: example "setExternalId"')).toEqual([]);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'rate-limits-always: nothing is judged, and the report says so (never a clean run)',
    async () => {
      const { report, sent } = await verifyAs('rate-limits-always', { maxRequests: 2, backoffBaseMs: 1 });
      expect(report).toMatchObject({ requests: 2, violations: [] });
      expect(report.unjudged).toEqual(
        ['getEndUser: the given end user', 'getEndUser: an unknown id'].map((request) => ({
          request,
          reason: 'rate limited (429) after 4 retries',
        })),
      );
      expect(sent).toHaveLength(10); // each request tried five times
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'rate-limits-once: a 429 is retried with backoff, not reported',
    async () => {
      const { report, sent } = await verifyAs('rate-limits-once', { maxRequests: 6, backoffBaseMs: 1 });
      expect(report).toMatchObject({ requests: 6, violations: [], unjudged: [] });
      expect(sent).toHaveLength(12); // every request answered 429 once, then retried
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'the given end user unknown to the provider is a setup error',
    async () => {
      await expect(verifyAs('none', { endUserId: 'not-there', maxRequests: 3 })).rejects.toThrow(
        'the provider does not know this end user (404); check --end-user-id',
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'refuses-token: a setup error, without the token',
    async () => {
      const failure = await verifyAs('refuses-token', { maxRequests: 3 }).catch((error: Error) => error);
      expect(failure).toMatchObject({ name: 'VerifySetupError', message: 'the provider refused the token (401); check --token' });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'through the proxy every body reaches the provider byte for byte: falsy JSON, a JSON string, bytes that are not JSON',
    async () => {
      const { server, proxies } = await shared;
      drift = 'none';
      const before = server.requests.length;
      const bodies = ['null', 'false', '0', '"text"', '{"profile": {}}', 'not json'];
      for (const body of bodies) {
        const answer = await fetch(`${proxies.passthrough.url}/v2/end-users/${GIVEN_END_USER_ID}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body,
          signal: AbortSignal.timeout(20_000), // Prism's own proxy never answered a falsy body
        });
        await answer.arrayBuffer();
      }
      expect(server.requests.slice(before).map((r) => r.body)).toEqual(bodies.filter((body) => body !== 'not json'));
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
