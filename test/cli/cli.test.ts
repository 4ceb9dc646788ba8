// The command line (`ada-end-users-contract`, src/cli/), run in process through main(): what each command
// prints, its exit codes (0 pass, 1 breaking, 2 usage or no verdict), and one line for a bad argument,
// never a stack trace. The compiled bin from an install runs in test/consumer.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import type { Json } from '../../src/contract/json-pointer.js';

const root = join(import.meta.dirname, '..', '..');
const bundled = readFileSync(join(root, 'generated', 'openapi.json'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'ada-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A copy of the bundled contract, changed, written where --base or --head can read it. */
function specFile(name: string, change: (spec: Json) => void = () => {}, format: 'json' | 'yaml' = 'json'): string {
  const spec = JSON.parse(bundled);
  change(spec);
  const file = join(work, `${name}.${format}`);
  writeFileSync(file, format === 'json' ? JSON.stringify(spec) : stringify(spec));
  return file;
}

describe('ada-end-users-contract', () => {
  it('--version: the package’s version and the contract’s', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(await cli('--version')).toEqual({
      code: 0,
      out: `ada-end-users-contract ${version} (contract ${JSON.parse(bundled).info.version})`,
      err: '',
    });
  });

  it('help lists every command; no command at all is a usage error (2)', async () => {
    const help = await cli('help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^ {2}check-breaking {2}compare two contracts/m);
    expect(help.out).toMatch(/^ {2}spec {12}print the bundled contract/m);
    expect(help.out).toMatch(/^ {2}mock {12}serve the Prism mock/m);
    expect((await cli()).code).toBe(2);
    expect(await cli('spec', '--help')).toMatchObject({ code: 0, out: 'usage: ada-end-users-contract spec [--format json|yaml]' });
  });

  it('an unknown command or flag: one line naming it (and the usage), exit 2', async () => {
    expect(await cli('mocks')).toEqual({
      code: 2,
      out: '',
      err: 'ada-end-users-contract: unknown command "mocks"; commands: mock, verify, check-breaking, spec (ada-end-users-contract help)',
    });
    const flag = await cli('spec', '--formatt', 'json');
    expect(flag.code).toBe(2);
    expect(flag.err.split('\n')[0]).toBe("ada-end-users-contract spec: Unknown option '--formatt'");
    expect(await cli('spec', '--format', 'xml')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^ada-end-users-contract spec: --format must be json or yaml, got "xml"\n/),
    });
  });

  it('spec prints the shipped contract byte for byte, as JSON or YAML', async () => {
    expect(await cli('spec')).toEqual({ code: 0, out: bundled.replace(/\n$/, ''), err: '' });
    const yaml = readFileSync(join(root, 'generated', 'openapi.yaml'), 'utf8');
    expect(await cli('spec', '--format', 'yaml')).toEqual({ code: 0, out: yaml.replace(/\n$/, ''), err: '' });
  });
});

describe('ada-end-users-contract mock: what it refuses before it starts anything (exit 2, one line)', () => {
  it.each([
    [['--port', 'abc'], '--port (or PORT) must be an integer from 0 to 65535 (0: any free port), got "abc"'],
    [['--port', '70000'], '--port (or PORT) must be an integer from 0 to 65535 (0: any free port), got "70000"'],
    [['--seed', 'x.json'], '--seed is an option of the stateful fake: add --stateful'],
    [['--stateful', '--spec', 'x.yaml'], '--spec cannot be given with --stateful: the fake serves the bundled contract'],
    [['--rules', 'kit'], "--rules goes with --spec (the bundled contract is served with the kit's rules)"],
    [['--spec', 'x.yaml', '--rules', 'strict'], '--rules must be prism or kit, got "strict"'],
    [['--stateful', '--metadata', 'deep'], '--metadata must be merge or replace, got "deep"'],
    [['--stateful', '--webhook-url', 'http://127.0.0.1:9'], '--webhook-url and --webhook-secret go together'],
    [['--host', ''], '--host must not be empty'],
  ])('mock %j', async (argv, message) => {
    const { code, err } = await cli('mock', ...argv);
    expect([code, err.split('\n')[0]]).toEqual([2, `ada-end-users-contract mock: ${message}`]);
  });
});

describe('ada-end-users-contract verify: what it refuses before it sends anything (exit 2, one line, no secret)', () => {
  const token = 'tok_cli_test_0123456789';
  it.each([
    [[], '--base-url is required'],
    [['--base-url', 'ftp://x', '--token', token, '--end-user-id', 'x'], '--base-url must be an absolute http(s) URL, got "ftp://x"'],
    [['--base-url', 'https://127.0.0.1:9'], '--token is required (or set ADA_API_TOKEN)'],
    [['--base-url', 'https://127.0.0.1:9', '--token', token], '--end-user-id is required'],
    [
      ['--base-url', 'https://ci:hunter2@127.0.0.1:9', '--token', token, '--end-user-id', 'x'],
      '--base-url must not contain credentials, got "https://ci:***@127.0.0.1:9"; pass the API token as --token',
    ],
    [
      ['--base-url', 'https://127.0.0.1:9', '--token', token, '--end-user-id', 'x', '--webhook-port', '1'],
      '--webhook-port needs --webhooks',
    ],
    [
      ['--base-url', 'https://127.0.0.1:9', '--token', token, '--end-user-id', 'x', '--max-time', '0'],
      /^--max-time must be an integer from 1 to /,
    ],
  ])('verify %j', async (argv, message) => {
    const saved = process.env.ADA_API_TOKEN;
    delete process.env.ADA_API_TOKEN;
    try {
      const { code, out, err } = await cli('verify', ...argv);
      expect([code, out]).toEqual([2, '']);
      const line = err.split('\n')[0]!.replace('ada-end-users-contract verify: ', '');
      if (typeof message === 'string') expect(line).toBe(message);
      else expect(line).toMatch(message);
      expect(err).not.toContain(token);
      expect(err).not.toContain('hunter2');
    } finally {
      if (saved !== undefined) process.env.ADA_API_TOKEN = saved;
    }
  });
});

describe('ada-end-users-contract check-breaking', () => {
  it('a copy of the package’s own contract against it: no breaking changes, exit 0', async () => {
    const base = specFile('same');
    expect(await cli('check-breaking', '--base', base)).toEqual({
      code: 0,
      out: `no breaking changes against ${base} (0 safe changes)`,
      err: '',
    });
  });

  it('a contract that lost an operation since the base: named, exit 1', async () => {
    const head = specFile('no-delete', (spec) => delete spec.paths['/v2/end-users/{end_user_id}'].patch);
    const { code, out } = await cli('check-breaking', '--base', specFile('base'), '--head', head);
    expect(code).toBe(1);
    expect(out).toMatch(/^✗ PATCH \/v2\/end-users\/\{end_user_id\}: operation removed$/m);
    expect(out).toMatch(/^1 breaking change against .*base\.json \(and 0 safe\): bump the major version, or make them safe$/m);
  });

  it('a safe change is listed, exit 0; a YAML base reads as the JSON one', async () => {
    const base = specFile('old', (spec) => delete spec.paths['/v2/end-users/{end_user_id}'].patch, 'yaml');
    const { code, out } = await cli('check-breaking', '--base', base);
    expect(code).toBe(0);
    expect(out).toMatch(/^✓ PATCH \/v2\/end-users\/\{end_user_id\}: operation added$/m);
  });

  it('what it cannot judge fails (1) unless --allow-unknown', async () => {
    const head = specFile('unknown', (spec) => (spec.components.schemas.MetadataValue.multipleOf = 2));
    const base = specFile('known');
    const strict = await cli('check-breaking', '--base', base, '--head', head);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/^✗ cannot judge: #\/components\/schemas\/MetadataValue\/multipleOf$/m);
    const allowed = await cli('check-breaking', '--base', base, '--head', head, '--allow-unknown');
    expect(allowed.code).toBe(0);
    expect(allowed.out).toMatch(/^\? cannot judge: #\/components\/schemas\/MetadataValue\/multipleOf$/m);
  });

  it('a base that is neither a file nor a commit, a missing --base, a file that is no spec: exit 2, one line', async () => {
    expect((await cli('check-breaking', '--base', 'no-such-ref')).err.split('\n')[0]).toMatch(
      /^ada-end-users-contract check-breaking: "no-such-ref" is neither a file nor a commit of the git repository that holds /,
    );
    expect((await cli('check-breaking')).err.split('\n')[0]).toBe('ada-end-users-contract check-breaking: --base is required');
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{"openapi": ');
    const result = await cli('check-breaking', '--base', broken);
    expect(result.code).toBe(2);
    expect(result.err.split('\n')[0]).toMatch(/^ada-end-users-contract check-breaking: .*broken\.json is not JSON: /);
  });

  it('a git ref reads the head file’s path at that ref (here: the committed bundle at HEAD)', async () => {
    const { code, out } = await cli('check-breaking', '--base', 'HEAD', '--head', join(root, 'generated', 'openapi.json'));
    expect(code).toBe(0);
    expect(out).toMatch(/^no breaking changes against HEAD \(/m);
  });
});
