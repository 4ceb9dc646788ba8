// The validators written out ahead of time (Ajv's standalone code, for runtimes that forbid compiling
// code from strings: workerd): imported from the module standalone.ts writes, each judges as the
// validator compiled at run time does, on generated valid and invalid bodies of every operation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { arbitraryInvalidRequestBody, arbitraryRequestBody } from '../../src/arbitraries/index.js';
import { operations } from '../../src/contract/operations.js';
import { standaloneValidators } from '../../src/contract/standalone.js';
import { compiledValidator } from '../../src/contract/validation.js';
import { FC_NUM_RUNS, FC_SEED } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');
// Inside the repository, so that the module's imports of ajv and ajv-formats resolve from node_modules.
const work = mkdtempSync(join(root, 'test', '.standalone-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const withBodies = Object.values(operations).filter((op) => op.body?.schema);

describe('validators written out as standalone code', () => {
  it('compile nothing at run time, and judge every operation’s request bodies as the run-time validators do', async () => {
    const pointers = withBodies.map((op) => op.body!.schema!);
    const keywords = pathToFileURL(join(root, 'src', 'contract', 'keywords.ts')).href;
    const { source, exports } = standaloneValidators(pointers, keywords);
    expect(source).not.toMatch(/\bnew Function\b|\beval\(|\brequire\(/);
    const file = join(work, 'validators.mjs');
    writeFileSync(file, source);
    const written = (await import(pathToFileURL(file).href)) as Record<string, (data: unknown) => boolean>;
    withBodies.forEach((op, index) => {
      const standalone = written[exports[index]!]!;
      const compiled = compiledValidator(op.body!.schema!);
      const body = fc.oneof(
        arbitraryRequestBody(op.operationId),
        arbitraryInvalidRequestBody(op.operationId).map((c) => c.body),
      );
      fc.assert(
        fc.property(body, (value) => {
          const verdict = standalone(value);
          expect([verdict, (standalone as unknown as { errors?: unknown[] }).errors?.length ?? 0]).toEqual([
            compiled(value),
            compiled.errors?.length ?? 0,
          ]);
        }),
        { numRuns: Math.ceil(FC_NUM_RUNS / 2), seed: FC_SEED },
      );
    });
  });
});
