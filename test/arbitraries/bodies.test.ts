// What the body arbitraries generate: valid bodies reach every property and boundary, and the invalid
// cases cover every rule of each request body schema. Whole requests of every operation, checked by the
// validators and against the Prism mock, are in requests.test.ts. FC_NUM_RUNS (test/helpers/support.ts)
// and FC_SEED as there.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryUpdateEndUserRequest, invalidRequestBodyCases, invalidUpdateEndUserRequestCases } from '../../src/arbitraries/index.js';
import { jsonByteLength, validateUpdateEndUserRequest } from '../../src/contract/validation.js';
import type { Json } from '../../src/contract/json-pointer.js';
import { FC_NUM_RUNS, FC_SEED } from '../helpers/support.js';

const numRuns = FC_NUM_RUNS;
const seed = FC_SEED;
console.info(`generative tests: FC_SEED=${seed} FC_NUM_RUNS=${numRuns}`);
const settings = { numRuns, seed };

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

  it('exist for every rule of the create body: the update’s, less the required profile, plus disjoint keys', () => {
    const update = cases.map((c) => c.name).filter((name) => name !== '/profile required');
    expect(
      invalidRequestBodyCases('createEndUser')
        .map((c) => c.name)
        .sort(),
    ).toEqual([...update, '(body) x-disjoint-keys'].sort());
  });
});
