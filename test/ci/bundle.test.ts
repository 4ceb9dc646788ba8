// CI-only (`npm run test:ci`): the root entry as a serverless build ships it, bundled into one file by
// esbuild and run from a folder that holds nothing else: no generated/openapi.json beside it, no
// node_modules. It must need no file on disk at run time (#18: a bundle threw ENOENT at import), and
// compile no code from strings (workerd forbids it; Node's --disallow-code-generation-from-strings
// refuses it as workerd does: Ajv compiling at run time threw EvalError).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { operationTable } from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ada-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the root entry, bundled', () => {
  it('esbuild bundles it into one file that imports and validates with nothing beside it, compiling nothing', async () => {
    await build({
      entryPoints: [join(root, 'src', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: join(work, 'bundle.mjs'),
      logLevel: 'silent',
    });
    writeFileSync(
      join(work, 'main.mjs'),
      `const kit = await import('./bundle.mjs');
       console.log(JSON.stringify({
         operations: Object.keys(kit.operationTable),
         valid: kit.validateUpdateEndUserRequest({ profile: { first_name: 'Ada' } }).ok,
         invalid: kit.validateUpdateEndUserRequest({ profile: { firstName: 'Ada' } }).errors.map((e) => e.path),
         query: kit.validateRequest('listEndUsers', { query: kit.parseQuery('listEndUsers', { limit: '101' }) }).errors.map((e) => e.message),
         answer: kit.validateResponse('getEndUser', 404, { errors: [] }).ok,
         payload: kit.validateWebhookPayload('v1.end_user.created', { type: 'v1.end_user.created' }).errors.map((e) => e.path),
       }));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--disallow-code-generation-from-strings', 'main.mjs'], { cwd: work });
    expect(JSON.parse(stdout)).toEqual({
      operations: Object.keys(operationTable),
      valid: true,
      invalid: ['/profile/firstName'],
      query: ['must be <= 100'],
      answer: true,
      payload: ['/data'],
    });
  });
});
