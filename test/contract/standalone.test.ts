// The validators written out ahead of time (generated/validators.js, Ajv's standalone code, for runtimes
// that forbid compiling code from strings: workerd): one for each schema the operations table names, none
// compiling anything, each judging as Ajv's validator compiled at run time from the same spec does, on
// valid values, values that break one rule, and any JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validators } from '../../generated/validators.js';
import { invalidCases, validValue } from '../../src/arbitraries/values.js';
import { compiledValidator } from '../../src/contract/ajv.js';
import { operations, validatedPointers, webhooks } from '../../src/contract/operations.js';
import { nodeAt } from '../../src/contract/spec.js';
import { validateAgainstSpec } from '../../src/contract/validation.js';
import { FC_NUM_RUNS, FC_SEED } from '../helpers/support.js';

const pointers = validatedPointers({ operations, webhooks });

describe('validators written out at generate time', () => {
  it('are one per schema the operations table names, and no more', () => {
    expect(Object.keys(validators).sort()).toEqual([...pointers].sort());
    expect(pointers).toContain(operations.updateEndUser!.body!.schema);
    expect(pointers).toContain(webhooks['v1.end_user.created']!.body!.schema);
  });

  it('compile nothing when they load: no Function, eval or require', () => {
    const source = readFileSync(join(import.meta.dirname, '..', '..', 'generated', 'validators.js'), 'utf8');
    expect(source).not.toMatch(/\bnew Function\b|\bFunction\(|\beval\(|\brequire\(/);
  });

  it.each(pointers)('judge %s as Ajv compiled at run time does', (pointer) => {
    const schema = nodeAt(pointer) as Record<string, unknown>;
    const written = validators[pointer]!;
    const compiled = compiledValidator(pointer);
    // The arbitraries break one rule of a typed schema; a oneOf (the list's page or end user) gets valid values and any JSON.
    const cases = schema.type === undefined ? [] : invalidCases(schema, '', pointer);
    const invalid = cases.flatMap((c) => [c.arbitrary, ...(c.boundary ? [c.boundary] : [])]).map((a) => a.map((broken) => broken.value));
    const value = fc.oneof(validValue(schema), ...invalid, fc.jsonValue());
    fc.assert(
      fc.property(value, (candidate) => {
        const verdict = written(candidate);
        const errors = written.errors?.map(({ keyword, instancePath, params }) => ({ keyword, instancePath, params })) ?? [];
        const expected = compiled(candidate);
        expect([verdict, errors]).toEqual([
          expected,
          compiled.errors?.map(({ keyword, instancePath, params }) => ({ keyword, instancePath, params })) ?? [],
        ]);
      }),
      { numRuns: Math.ceil(FC_NUM_RUNS / 4), seed: FC_SEED },
    );
  });

  it('refuse, by name, a pointer no validator was written for', () => {
    expect(() => validateAgainstSpec('#/components/schemas/Metadata', {})).toThrow(
      /no validator was written for #\/components\/schemas\/Metadata: generated\/validators\.js holds one per schema/,
    );
  });
});
