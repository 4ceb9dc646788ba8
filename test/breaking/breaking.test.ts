// The breaking-change guard, table-driven (test/helpers/breaking-cases.ts): each breaking change caught and
// named, each safe change passed and listed, each difference it does not understand reported as `cannot
// judge` (fail closed). The command's exit codes (--allow-unknown included) are test/ci/check-breaking.test.ts.
import { describe, expect, it } from 'vitest';
import { compareSpecs } from '../../src/breaking/index.js';
import { breakingCases, bundled, OP, safeCases, unjudgeableCases, type Case } from '../helpers/breaking-cases.js';

function verdict({ head, base }: Case) {
  const before = structuredClone(bundled);
  base?.(before);
  const after = structuredClone(before);
  head(after);
  return compareSpecs(before, after);
}

describe('breaking changes are caught and named', () => {
  it.each(breakingCases.map((c) => [c.change, c] as const))('%s', (_name, c) => {
    const { changes, cannotJudge } = verdict(c);
    for (const { where, what } of c.expected) {
      expect(changes).toContainEqual({ where, what: expect.stringMatching(what), breaking: true });
    }
    expect(cannotJudge).toEqual([]);
  });
});

describe('safe changes pass, and are listed', () => {
  it.each(safeCases.map((c) => [c.change, c] as const))('%s', (_name, c) => {
    const { changes, cannotJudge } = verdict(c);
    expect(changes.filter((change) => change.breaking)).toEqual([]);
    expect(changes).toEqual(c.expected.map(({ where, what }) => ({ where, what: expect.stringMatching(what), breaking: false })));
    expect(cannotJudge).toEqual([]);
  });

  it('the spec against itself: no changes at all, nothing it cannot judge', () => {
    expect(compareSpecs(bundled, structuredClone(bundled))).toEqual({ changes: [], cannotJudge: [] });
  });

  it('a shared schema loosened: safe for requests, breaking for responses and webhook payloads', () => {
    const after = structuredClone(bundled);
    after.components.schemas.ExternalId.maxLength = 64; // used by both request bodies, every end user returned, both webhooks
    const { changes } = compareSpecs(bundled, after);
    const requests = changes.filter((c) => c.where.includes(' request body '));
    const readers = changes.filter((c) => / response | payload /.test(c.where));
    expect(requests.map((c) => c.where)).toEqual([`POST /v2/end-users/ request body /external_id`, `${OP} request body /external_id`]);
    expect(requests.every((c) => !c.breaking && c.what === 'maxLength 36 → 64')).toBe(true);
    expect(readers.length).toBe(7);
    expect(readers.every((c) => c.breaking && c.what === 'maxLength 36 → 64')).toBe(true);
    expect(changes.length).toBe(requests.length + readers.length);
  });
});

describe('names Object also has (constructor, toString, __proto__) are names like any other', () => {
  it.each(['constructor', 'toString', '__proto__'])('a response property named %s removed: breaking, named', (name) => {
    const before = structuredClone(bundled);
    Object.defineProperty(before.components.schemas.EndUser.properties, name, { value: { type: 'string' }, enumerable: true });
    const { changes } = compareSpecs(before, structuredClone(bundled));
    expect(changes).toContainEqual(
      expect.objectContaining({ where: `GET /v2/end-users/{end_user_id} response 200 /${name}`, breaking: true }),
    );
  });

  it.each(['constructor', 'toString'])('a response status or media type key named %s removed: breaking', (name) => {
    const before = structuredClone(bundled);
    before.paths['/v2/end-users/{end_user_id}'].get.responses[200].content[name] = { schema: { type: 'string' } };
    const { changes } = compareSpecs(before, structuredClone(bundled));
    expect(changes).toContainEqual(
      expect.objectContaining({ breaking: true, what: expect.stringContaining(`media type ${name} removed`) }),
    );
  });
});

describe('fail closed: what the checker does not understand is reported, never passed', () => {
  it.each(unjudgeableCases.map((c) => [c.change, c] as const))('%s', (_name, c) => {
    const { cannotJudge } = verdict(c);
    expect(cannotJudge).toEqual(c.cannotJudge);
  });

  it('an unused component that changed cannot be judged by any operation', () => {
    const before = structuredClone(bundled);
    before.components.schemas.Unused = { type: 'string' };
    const after = structuredClone(before);
    after.components.schemas.Unused.maxLength = 3;
    expect(compareSpecs(before, after).cannotJudge).toEqual(['#/components/schemas/Unused']);
  });
});
