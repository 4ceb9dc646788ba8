// CI-only (`npm run test:ci`: it runs the command): `npm run check:generated` must fail when generated/
// no longer matches the spec: run it on a copy of the repo whose spec has changed since the last generate.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');
const copy = mkdtempSync(join(tmpdir(), 'ada-check-generated-'));
// src/: the generator writes the validators with the kit's own Ajv and operations table.
for (const entry of ['spec', 'generated', 'scripts', 'src', 'redocly.yaml', '.redocly.lint-ignore.yaml', 'package.json', 'tsconfig.json']) {
  cpSync(join(root, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const checkGenerated = () =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/check-generated.ts'], { cwd: copy }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );

// (That it passes on the committed files is CI's own `npm run check:generated` step.)
describe('check:generated', () => {
  it(
    'fails, naming each stale file, once the spec changes without a regenerate',
    async () => {
      const spec = join(copy, 'spec', 'components', 'schemas', 'ExternalId.yaml');
      writeFileSync(spec, readFileSync(spec, 'utf8').replace('maxLength: 36', 'maxLength: 35'));
      const { code, output } = await checkGenerated();
      expect(code).toBe(1);
      expect(output).toContain('generated/openapi.json is stale');
      expect(output).toContain('generated/openapi.yaml is stale');
      expect(output).toContain('generated/validators.js is stale'); // its maxLength check is written into the code
      expect(output).toContain('npm run generate');
    },
    CHILD_PROCESS_TIMEOUT,
  ); // a child process that bundles twice and generates types

  it(
    'a spec that does not bundle: one line naming the file and the cause, exit 1, no stack trace (check:generated and generate)',
    async () => {
      const spec = join(copy, 'spec', 'openapi.yaml');
      const original = readFileSync(spec, 'utf8');
      writeFileSync(spec, 'openapi: [unclosed\n');
      try {
        const { code, output } = await checkGenerated();
        expect({ code, output }).toEqual({
          code: 1,
          output: expect.stringMatching(
            /^check:generated: the spec does not bundle: Failed to parse API description at .*openapi\.yaml: deficient indentation.*\n$/,
          ),
        });
        const generate = await promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', 'scripts/generate.ts', '--out', join(copy, 'out')],
          {
            cwd: copy,
          },
        ).catch((error: { code: number; stderr: string }) => error);
        expect(generate).toMatchObject({ code: 1, stderr: expect.stringMatching(/^generate: the spec does not bundle: [^\n]*\n$/) });
      } finally {
        writeFileSync(spec, original);
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
