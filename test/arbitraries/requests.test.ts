// Generative contract tests for every operation of the spec (walked from the operations table, not
// listed): whole requests (path and query parameters on the wire, and bodies), valid ones and ones that
// break exactly one rule, checked by the kit's validators and, differentially, against the real Prism
// mock. FC_NUM_RUNS (test/helpers/support.ts) is the number of requests the differential test sends in all, shared
// by the operations; FC_SEED replays a run (printed at the start and with any counterexample).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryInvalidRequest, arbitraryRequest, type GeneratedRequest, invalidRequestCases } from '../../src/arbitraries/index.js';
import { operations } from '../../src/contract/operations.js';
import { parseQuery, validateRequest } from '../../src/contract/validation.js';
import { CHILD_PROCESS_TIMEOUT, FC_NUM_RUNS, FC_SEED, mockUrl, prismPointsAt, prismViolations, TEST_TOKEN } from '../helpers/support.js';

const numRuns = FC_NUM_RUNS;
const seed = FC_SEED;
console.info(`generative request tests: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
const operationIds = Object.keys(operations);
const perOperation = Math.ceil(numRuns / operationIds.length);

/** The kit's own rules, which Prism cannot enforce: the mock's front refuses them, with the kit's validators. */
const PRISM_CANNOT_ENFORCE = new Set(['x-max-json-bytes', 'x-disjoint-keys', 'x-exclusive-parameter-groups', 'parameter']);

const local = (operationId: string, request: GeneratedRequest) =>
  validateRequest(operationId, { path: request.path, query: parseQuery(operationId, request.query), body: request.body });

/** The issues a verdict lists, as rules (where, which keyword). */
const rules = (verdict: ReturnType<typeof validateRequest>) =>
  verdict.ok ? [] : verdict.errors.map(({ path, keyword, in: at }) => ({ path, keyword, ...(at ? { in: at } : {}) }));

describe.each(operationIds)('requests of %s, generated from the spec', (operationId) => {
  it('valid ones pass the kit’s validator', () => {
    fc.assert(
      fc.property(arbitraryRequest(operationId), (request) => {
        expect(local(operationId, request)).toEqual({ ok: true });
      }),
      { numRuns: Math.max(100, perOperation), seed },
    );
  });

  const cases = invalidRequestCases(operationId);
  it.each(cases.map((c) => [c.name, c] as const))('%s: the validator reports that rule, there, and nothing else', (_name, c) => {
    fc.assert(
      fc.property(c.arbitrary, ({ request, rule }) => {
        expect(rules(local(operationId, request))).toEqual([rule]);
      }),
      { numRuns: 30, seed },
    );
    if (c.boundary)
      fc.assert(
        fc.property(c.boundary, ({ request, rule }) => {
          expect(rules(local(operationId, request))).toEqual([rule]);
        }),
        { numRuns: 10, seed },
      );
  });
});

it('a generated key named __proto__ stays a key of the body (seed 1100988326 made it the shared key of x-disjoint-keys)', () => {
  const shared = invalidRequestCases('createEndUser').find((c) => c.name === 'body (body) x-disjoint-keys')!;
  fc.assert(
    fc.property(shared.arbitrary, ({ request, rule }) => {
      expect(rules(local('createEndUser', request))).toEqual([rule]);
    }),
    { numRuns: 30, seed: 1100988326 },
  );
});

it('a rule broken inside the profile never also breaks x-disjoint-keys (a made-up metadata key may be a sensitive field’s)', () => {
  // 1 in ~3000 of these shared a key before (seed 7 has one among its first 3000: CI draws them all,
  // FC_NUM_RUNS=1000; npm test three in four fewer).
  const c = invalidRequestCases('createEndUser').find((c) => c.name === 'body /profile/metadata/* type')!;
  const mixed = fc.sample(c.arbitrary, { numRuns: Math.min(3000, numRuns * 3), seed: 7 }).filter(({ request, rule }) => {
    const verdict = rules(local('createEndUser', request));
    return verdict.length !== 1 || verdict[0]!.keyword !== rule.keyword || verdict[0]!.path !== rule.path;
  });
  expect(mixed).toEqual([]);
});

describe('a bound is also broken by the least: one past it', () => {
  const BOUNDS = ['minimum', 'maximum', 'minLength', 'maxLength'];
  it.each(operationIds)('%s: every case of a bound, and only those, has boundary requests', (operationId) => {
    const cases = invalidRequestCases(operationId);
    expect(cases.filter((c) => c.boundary).map((c) => c.name)).toEqual(
      cases.filter((c) => BOUNDS.includes(c.name.split(' ').at(-1)!)).map((c) => c.name),
    );
  });

  // By hand from the spec: limit 1..100, external_id 1..36 characters (as a parameter and in bodies).
  const codePoints = (text: unknown) => [...String(text)].length;
  const expected: [string, string, (request: GeneratedRequest) => unknown, unknown][] = [
    ['listEndUsers', 'query /limit minimum', (r) => r.query.limit, '0'],
    ['listEndUsers', 'query /limit maximum', (r) => r.query.limit, '101'],
    ['listEndUsers', 'query /external_id minLength', (r) => r.query.external_id, ''],
    ['listEndUsers', 'query /external_id maxLength', (r) => codePoints(r.query.external_id), 37],
    ['updateEndUser', 'body /external_id maxLength', (r) => codePoints((r.body as { external_id: string }).external_id), 37],
    ['createEndUser', 'body /external_id maxLength', (r) => codePoints((r.body as { external_id: string }).external_id), 37],
  ];
  it.each(expected)('%s %s', (operationId, name, part, value) => {
    const c = invalidRequestCases(operationId).find((c) => c.name === name);
    const samples = fc.sample(c!.boundary!, { numRuns: 20, seed });
    expect(new Set(samples.map(({ request }) => part(request)))).toEqual(new Set([value]));
  });
});

describe('the rules of each operation’s parameters all have cases', () => {
  // From the spec's parameters, by hand: a rule the arbitraries stop breaking fails here.
  const expected: Record<string, string[]> = {
    listEndUsers: [
      'query /limit type',
      'query /limit minimum',
      'query /limit maximum',
      'query /external_id minLength',
      'query /external_id maxLength',
      'query /external_id pattern',
      'query /external_id unicode',
      'query /cursor unicode',
      'query /cursor x-exclusive-parameter-groups',
      'query /limit x-exclusive-parameter-groups',
      'query /* parameter',
    ],
    getEndUser: ['path /end_user_id minLength', 'path /end_user_id path-segment', 'path /end_user_id unicode', 'query /* parameter'],
    updateEndUser: ['path /end_user_id minLength', 'path /end_user_id path-segment', 'path /end_user_id unicode', 'query /* parameter'],
    createEndUser: ['query /* parameter'],
  };
  it.each(operationIds)('%s', (operationId) => {
    const parameterCases = invalidRequestCases(operationId)
      .map((c) => c.name)
      .filter((name) => !name.startsWith('body '));
    expect(parameterCases.sort()).toEqual([...(expected[operationId] ?? ['(an operation this test does not know yet)'])].sort());
  });

  it('a path segment URL parsing would change, and text no URL can carry, are marked as not sendable, and only those', () => {
    const unsendable = operationIds.flatMap((id) =>
      invalidRequestCases(id)
        .filter((c) => !c.sendable)
        .map((c) => `${id} ${c.name}`),
    );
    expect(unsendable.sort()).toEqual(
      [
        ...['getEndUser', 'updateEndUser'].flatMap((id) =>
          ['minLength', 'path-segment', 'unicode'].map((k) => `${id} path /end_user_id ${k}`),
        ),
        'listEndUsers query /external_id unicode',
        'listEndUsers query /cursor unicode',
      ].sort(),
    );
  });
});

/** The URL of a request: its path parameters encoded into the operation's path, its query after it. */
function urlOf(operationId: string, request: GeneratedRequest): string {
  const { path } = operations[operationId]!;
  const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(request.path[name]!));
  const query = new URLSearchParams(request.query).toString();
  return `${mockUrl()}${filled}${query ? `?${query}` : ''}`;
}

/** Whether Prism pointed at a query or path parameter by name. */
const prismPointsAtParameter = (headers: Headers, at: string, name: string) =>
  prismViolations(headers).some((v) => v.location[0] === 'request' && v.location[1] === at && v.location[2] === name);

describe.each(operationIds)('differential: the kit’s validator and the Prism mock agree on %s', (operationId) => {
  const { method, body } = operations[operationId]!;
  const requests = fc.oneof(
    arbitraryRequest(operationId).map((request) => ({ request, rule: undefined })),
    arbitraryInvalidRequest(operationId, { sendable: true }),
  );

  it(
    `valid or invalid, and where (${perOperation} requests)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(requests, async ({ request, rule }) => {
          const response = await fetch(urlOf(operationId, request), {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          });
          const answer = (await response.json()) as { errors?: Array<{ details?: Array<{ parameter: string; location: string }> }> };
          const valid = local(operationId, request).ok;
          expect(valid).toBe(rule === undefined);
          if (!rule) {
            expect(response.status).toBeGreaterThanOrEqual(200);
            expect(response.status).toBeLessThan(300);
            return;
          }
          // Every request the contract forbids is refused: by Prism, naming the rule in sl-violations, or,
          // where Prism cannot enforce it (the kit's x- rules; an empty query value, which Prism takes for
          // an absent parameter), by the mock's front with the kit's validators, naming it in the 400.
          expect(response.status).toBe(400);
          const emptyQueryValue = rule.in === 'query' && request.query[rule.path.slice(1)] === '';
          if (PRISM_CANNOT_ENFORCE.has(rule.keyword) || emptyQueryValue) {
            expect(answer.errors?.[0]?.details).toContainEqual(
              expect.objectContaining({ parameter: rule.path.slice(1).split('/').join('.') || 'body', location: rule.in ?? 'body' }),
            );
          } else if (rule.in) expect(prismPointsAtParameter(response.headers, rule.in, rule.path.slice(1))).toBe(true);
          else expect(prismPointsAt(response.headers, rule.path)).toBe(true);
        }),
        { numRuns: perOperation, seed },
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
