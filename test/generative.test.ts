// Generative contract tests: bodies derived from the spec's request schema by fast-check, checked by the
// local validator and, for every one of them, against the real Prism mock. FC_NUM_RUNS (default 1000)
// sets the number of cases per property; FC_SEED replays a run (the seed is printed at the start and
// on any failure, with the shrunk counterexample).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbitraryInvalidUpdateEndUserRequest,
  arbitraryUpdateEndUserRequest,
  invalidUpdateEndUserRequestCases,
  type BrokenRule,
} from '../src/arbitraries/index.js';
import { jsonByteLength, validateUpdateEndUserRequest } from '../src/validation.js';
import { CHILD_PROCESS_TIMEOUT, END_USER_ID, mockUrl, prismPointsAt, TEST_TOKEN } from './support.js';
import type { Json } from '../src/json-pointer.js';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);
const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.info(`generative tests: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
const settings = { numRuns, seed };

/** Rules Prism cannot enforce (README, "What the mock cannot check"); their cases only check the local side. */
const PRISM_CANNOT_ENFORCE = new Set(['x-max-json-bytes']);

describe('valid bodies generated from the spec', () => {
  it('all pass the local validator', () => {
    fc.assert(
      fc.property(arbitraryUpdateEndUserRequest(), (body) => {
        expect(validateUpdateEndUserRequest(body)).toEqual({ ok: true });
      }),
      settings,
    );
  });

  it('cover every property, nulls, boundary lengths, Unicode and metadata near 10 KB', () => {
    const sample = fc.sample(arbitraryUpdateEndUserRequest(), { numRuns: 3000, seed: 1 }) as Json[];
    const seen = (predicate: (body: Json) => boolean) => sample.some(predicate);
    for (const key of ['first_name', 'last_name', 'display_name', 'avatar', 'email', 'language', 'metadata', 'sensitive_metadata']) {
      expect([key, seen((b) => typeof b.profile[key] === 'string' || (b.profile[key] && typeof b.profile[key] === 'object'))]).toEqual([
        key,
        true,
      ]);
      expect([key, seen((b) => b.profile[key] === null)]).toEqual([key, true]);
    }
    expect(seen((b) => b.external_id === null)).toBe(true);
    expect(seen((b) => b.external_id === '')).toBe(true);
    expect(seen((b) => typeof b.external_id === 'string' && [...b.external_id].length === 36)).toBe(true);
    expect(seen((b) => /[\u{10000}-\u{10FFFF}]/u.test(JSON.stringify(b)))).toBe(true);
    const fields = (b: Json) => Object.keys(b.profile.sensitive_metadata?.fields ?? { none: 1 }).length;
    expect(seen((b) => b.profile.sensitive_metadata?.fields && fields(b) === 0)).toBe(true);
    expect(seen((b) => fields(b) === 20)).toBe(true);
    expect(seen((b) => Object.values(b.profile.sensitive_metadata?.fields ?? {}).includes(null))).toBe(true);
    expect(seen((b) => b.profile.metadata && jsonByteLength(b.profile.metadata) > 10_240 - 512)).toBe(true);
  });
});

describe('invalid bodies generated from the spec: one broken rule each', () => {
  const cases = invalidUpdateEndUserRequestCases();

  it('exist for every rule the request schema encodes, and the 10 KB rule', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(
      [
        '(body) type',
        '/profile required',
        '/* additionalProperties',
        '/external_id type',
        '/external_id maxLength',
        '/external_id pattern',
        '/profile type',
        '/profile/* additionalProperties',
        '/profile/first_name type',
        '/profile/last_name type',
        '/profile/display_name type',
        '/profile/avatar type',
        '/profile/avatar format',
        '/profile/email type',
        '/profile/email format',
        '/profile/language type',
        '/profile/language pattern',
        '/profile/metadata type',
        '/profile/metadata/* type',
        '/profile/metadata x-max-json-bytes',
        '/profile/sensitive_metadata type',
        '/profile/sensitive_metadata/* additionalProperties',
        '/profile/sensitive_metadata/fields required',
        '/profile/sensitive_metadata/fields type',
        '/profile/sensitive_metadata/fields maxProperties',
        '/profile/sensitive_metadata/fields/* propertyNames',
        '/profile/sensitive_metadata/fields/* type',
        '/profile/sensitive_metadata/fields/* minLength',
      ].sort(),
    );
  });

  // Each rule gets its share of the runs, at least 30, so a rarely drawn rule is still exercised.
  const perRule = Math.max(30, Math.ceil(numRuns / cases.length));
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: the local validator reports that rule, at that path, and nothing else',
    (_name, c) => {
      fc.assert(
        fc.property(c.arbitrary, ({ body, rule }) => {
          const result = validateUpdateEndUserRequest(body);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.errors.map(({ path, keyword }) => ({ path, keyword }))).toEqual([rule]);
        }),
        { ...settings, numRuns: perRule },
      );
    },
  );
});

describe('differential: the local validator and the Prism mock agree on every generated body', () => {
  const bodies = fc.oneof(
    arbitraryUpdateEndUserRequest().map((body) => ({ body, rule: undefined as BrokenRule | undefined })),
    arbitraryInvalidUpdateEndUserRequest(),
  );

  it(
    `valid or invalid, and where (${numRuns} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(bodies, async ({ body, rule }) => {
          const response = await fetch(`${mockUrl()}/v2/end-users/${END_USER_ID}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
            body: JSON.stringify(body),
          });
          await response.arrayBuffer();
          const local = validateUpdateEndUserRequest(body).ok;
          expect(local).toBe(rule === undefined);
          if (rule && PRISM_CANNOT_ENFORCE.has(rule.keyword)) {
            expect(response.status).toBe(200); // pinned: see PRISM_CANNOT_ENFORCE
            return;
          }
          expect(response.status).toBe(local ? 200 : 400);
          if (!rule) return;
          expect(prismPointsAt(response.headers, rule.path)).toBe(true);
        }),
        settings,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
