// CI-only (`npm run test:ci`, each case runs the command): `npm run check:breaking` as CI runs it: its exit
// codes, --allow-unknown, and one line for what it cannot read.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { newestRelease } from '../../scripts/releases.js';
import { repositoryFactory } from '../helpers/repository.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');

describe('npm run check:breaking', () => {
  const run = (args: string[], cwd = root) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/check-breaking.ts', ...args], { cwd }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it(
    'refuses a ref that is not a commit, in one line, exit 2',
    async () => {
      expect(await run(['--base', 'no-such-ref'])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'check:breaking: "no-such-ref" is neither a file nor a commit in this repository\n',
      });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'compares with the newest committed release by default; --format json writes the command line’s report; a bad format is a usage error',
    async () => {
      const { code, stdout } = await run(['--format', 'json']);
      expect(code).toBe(0);
      const release = basename(newestRelease()!.file);
      expect(JSON.parse(stdout)).toMatchObject({
        command: 'check-breaking',
        verdict: 'pass',
        checkBreaking: { base: expect.stringContaining(`(releases/${release})`), head: 'the working tree' },
      });
      expect(await run(['--format', 'xml'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^check:breaking: --format must be text or json or junit, got "xml"\n/),
      });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  // Repositories of their own: the spec committed (HEAD~1, the base), then changed in the working tree.
  // tsconfig.json too: its `paths` give tsx the source transport (#transport), as in this repository.
  const newRepository = repositoryFactory('ada-check-breaking-');
  async function specRepository(): Promise<string> {
    const { dir, commit } = await newRepository([
      'spec',
      'generated',
      'scripts',
      'src',
      'redocly.yaml',
      '.redocly.lint-ignore.yaml',
      'package.json',
      'tsconfig.json',
    ]);
    await commit('later');
    return dir;
  }

  it.each([
    ['not YAML', 'spec/openapi.yaml', 'openapi: [unclosed\n', /spec\/openapi\.yaml: deficient indentation/],
    ['empty', 'spec/openapi.yaml', '', /spec\/openapi\.yaml: Document must be JSON object/],
    ['a $ref to a missing file', 'spec/components/schemas/Email.yaml', undefined, /Can't resolve \$ref: .*Email\.yaml/],
  ])(
    'a working-tree spec that cannot be read (%s): one line naming the file and the cause, exit 2 (no verdict), no stack trace',
    async (_name, file, content, cause) => {
      const repo = await specRepository();
      if (content === undefined) rmSync(join(repo, file));
      else writeFileSync(join(repo, file), content);
      const { code, stdout, stderr } = await run([], repo);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.split('\n')).toHaveLength(2); // one line, and the newline that ends it
      expect(stderr).toMatch(/^check:breaking: cannot read the working tree's spec\/openapi\.yaml: the spec does not bundle: /);
      expect(stderr).toMatch(cause);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a line quotes a few values, not an enum of 200,000',
    async () => {
      const repo = await specRepository();
      const language = join(repo, 'spec', 'components', 'schemas', 'Language.yaml');
      const values = Array.from({ length: 200_000 }, (_, i) => `xx-${i}`);
      writeFileSync(language, `${readFileSync(language, 'utf8')}\nenum: ${JSON.stringify(values)}\n`);
      const { code, stdout } = await run([], repo);
      expect(code).toBe(1);
      expect(stdout).toMatch(/enum any → "xx-0"\|"xx-1"\|.*\|… \(200000 values\)/);
      expect(Math.max(...stdout.split('\n').map((line) => line.length))).toBeLessThan(1_000);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a difference it cannot judge fails the run (exit 1), naming its pointer; --allow-unknown lets it through',
    async () => {
      const repo = await specRepository();
      const spec = join(repo, 'spec', 'components', 'schemas', 'ExternalId.yaml');
      writeFileSync(spec, `x-min-words: 2\n${readFileSync(spec, 'utf8')}`);

      const strict = await run([], repo);
      expect(strict.code).toBe(1);
      expect(strict.stdout).toContain('✗ cannot judge: #/components/schemas/ExternalId/x-min-words\n');
      expect(strict.stdout).toMatch(
        /^0 breaking changes against HEAD~1, 1 difference it cannot judge \(and 0 safe\): judge them yourself, then pass --allow-unknown$/m,
      );

      const allowed = await run(['--allow-unknown'], repo);
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toContain('? cannot judge: #/components/schemas/ExternalId/x-min-words\n');
      expect(allowed.stdout).toMatch(
        /^no breaking changes against HEAD~1 \(0 safe changes, 1 difference it cannot judge \(allowed by --allow-unknown\)\)$/m,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
