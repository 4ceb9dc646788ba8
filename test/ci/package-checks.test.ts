// CI-only (`npm run test:ci`: it packs the package, build included): the package as the ecosystem's
// checkers see it. publint --strict finds nothing; "Are the types wrong?" (the engine of `attw --pack`)
// finds only what the package is by design, each named below with why (docs/client.md, "Runtimes and
// module formats").
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ada-package-'));
let tarball: Uint8Array;
beforeAll(async () => {
  await promisify(execFile)('npm', ['pack', '--pack-destination', work], { cwd: root }); // `prepare` builds dist/
  tarball = new Uint8Array(readFileSync(join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!)));
}, CHILD_PROCESS_TIMEOUT);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, as the ecosystem checks it', () => {
  it('publint --strict: no message', async () => {
    const { messages } = await publint({ strict: true, pack: { tarball: tarball.buffer as ArrayBuffer } });
    expect(messages).toEqual([]);
  });

  it('attw: the three entries resolve under node10 (typesVersions), node16 and bundler; only what is by design is flagged', async () => {
    const result = await checkPackage(createPackageFromTarballData(tarball));
    if (!('problems' in result)) throw new Error('attw could not analyse the package');
    const problems = result.problems.map(
      (p) => `${p.kind} ${'entrypoint' in p ? p.entrypoint : ''} ${'resolutionKind' in p ? p.resolutionKind : ''}`,
    );
    expect(problems.sort()).toEqual(
      [
        // ESM only: require() of it works on Node 20.19+ (require(esm)), and CommonJS can import() it.
        'CJSResolvesToESM . node16-cjs',
        'CJSResolvesToESM ./testing node16-cjs',
        'CJSResolvesToESM ./schema node16-cjs',
        // node10 knows no `exports`: the bundled spec is dist/generated/openapi.json there, the report
        // schema src/cli/report.schema.json.
        'NoResolution ./openapi.json node10',
        'NoResolution ./report.schema.json node10',
        // A file to read, not a module to import: resolve its path (import.meta.resolve, require.resolve).
        'NoResolution ./openapi.yaml node10',
        'NoResolution ./openapi.yaml node16-cjs',
        'NoResolution ./openapi.yaml node16-esm',
        'NoResolution ./openapi.yaml bundler',
      ].sort(),
    );
  });
});
