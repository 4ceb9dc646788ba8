// examples/ci/ as a consumer meets it: the packed package installed in a fresh project, the recipe's
// one-time step (pin the contract), then every `run:` step of examples/ci/workflow.yml as written, in
// order, under bash as GitHub runs it (`-eo pipefail`), with the job's and the step's env, `if: always()`
// steps after a failure too. The `uses:` steps are GitHub's (checkout, Node, the report action) and are
// not run. Then: the reports it wrote, and that its breaking-change step fails when the contract breaks.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseJunit, type TestSuites } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../helpers/net.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'examples', 'ci');
const work = mkdtempSync(join(tmpdir(), 'ada-example-ci-'));
const project = join(work, 'project');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string | number>;
}
const workflow = parseYaml(readFileSync(join(example, 'workflow.yml'), 'utf8')) as {
  jobs: Record<string, { env?: Record<string, string | number>; steps: Step[] }>;
};
const [job] = Object.values(workflow.jobs);

/** `${{ env.NAME }}` in a step's env, as GitHub expands it from the job's env. */
const expand = (value: string | number, env: Record<string, string>) =>
  String(value).replace(/\$\{\{\s*env\.(\w+)\s*\}\}/g, (_, name: string) => env[name] ?? '');

/** A step's script under bash as GitHub runs it; its exit code and output. */
async function runStep(step: Step, jobEnv: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...jobEnv, CI: 'true' };
  for (const [name, value] of Object.entries(step.env ?? {})) env[name] = expand(value, jobEnv);
  return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: project, env, timeout: 180_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

let jobEnv: Record<string, string> = {};
const results: Array<{ name: string; code: number; output: string }> = [];

beforeAll(async () => {
  // The package as published (dist/ built beforehand: packing without scripts leaves the build alone).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  const tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-consumer', private: true, type: 'module' }));
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      `@stoplight/prism-cli@${manifest.peerDependencies['@stoplight/prism-cli']}`,
      `vitest@${manifest.devDependencies.vitest}`,
      // vite as this repository locks it: newer ones name an optional dependency the registry does not
      // have, which `npm install` leaves out of the lockfile and `npm ci` then asks for.
      `vite@${lock.packages['node_modules/vite'].version}`,
    ],
    { cwd: project },
  );
  copyFileSync(join(example, 'contract.test.ts'), join(project, 'contract.test.ts'));
  // The recipe's one-time step, as its README gives it: pin the contract.
  const readme = readFileSync(join(example, 'README.md'), 'utf8');
  const pin = readme.split('\n').find((line) => line.includes('spec > contract/openapi.json'));
  if (!pin) throw new Error('examples/ci/README.md no longer pins the contract with `spec > contract/openapi.json`');
  await run('bash', ['-eo', 'pipefail', '-c', pin.replace(/\s+#.*$/, '')], { cwd: project });

  // The job's env, with a free port for the mock: the suite may run beside others on 4010.
  jobEnv = Object.fromEntries(Object.entries(job!.env ?? {}).map(([name, value]) => [name, String(value)]));
  jobEnv.ADA_MOCK_PORT = String(await freePort());
  let failed = false;
  for (const step of job!.steps) {
    if (step.run === undefined) continue;
    if (failed && step.if !== 'always()') continue;
    const result = await runStep(step, jobEnv);
    results.push({ name: step.name ?? step.run, ...result });
    if (result.code !== 0) failed = true;
  }
}, 600_000);

afterAll(async () => {
  // Should the stop step not have run, the mock still goes.
  const pid = join(project, 'mock.pid');
  if (existsSync(pid)) {
    try {
      process.kill(Number(readFileSync(pid, 'utf8')));
    } catch {}
  }
  rmSync(work, { recursive: true, force: true });
});

const cases = (suites: TestSuites) => (suites.testsuite ?? []).flatMap((suite) => suite.testcase ?? []);

describe('examples/ci: the workflow’s steps as written, against the packed package', () => {
  it('runs every run: step, each exiting 0', () => {
    const runSteps = job!.steps.filter((step) => step.run !== undefined).map((step) => step.name ?? step.run);
    expect(runSteps.length).toBeGreaterThanOrEqual(5);
    expect(results.map(({ name, code, output }) => ({ name, code, ...(code === 0 ? {} : { output }) }))).toEqual(
      runSteps.map((name) => ({ name, code: 0 })),
    );
  });

  it('wrote the breaking-change report (no change against the pinned contract) and the tests’ (every test passed)', async () => {
    const breaking = cases((await parseJunit(readFileSync(join(project, 'reports', 'breaking.xml'), 'utf8'))) as TestSuites);
    expect(breaking).toEqual([expect.objectContaining({ name: 'no breaking changes against contract/openapi.json (0 safe changes)' })]);
    const tests = cases((await parseJunit(readFileSync(join(project, 'reports', 'tests.xml'), 'utf8'))) as TestSuites);
    expect(tests.length).toBe((readFileSync(join(example, 'contract.test.ts'), 'utf8').match(/^it\(/gm) ?? []).length);
    expect(tests.filter((test) => test.failure || test.error || test.skipped)).toEqual([]);
  });

  it('stopped the mock: its port is free again', async () => {
    const answer = await fetch(`http://127.0.0.1:${jobEnv.ADA_MOCK_PORT}/`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(answer).toBe('refused');
  });

  it('its breaking-change step fails (exit 1) when the installed contract breaks the pinned one', async () => {
    const pinned = JSON.parse(readFileSync(join(project, 'contract', 'openapi.json'), 'utf8'));
    // Built against an operation the installed contract no longer has: removing it breaks the consumer.
    pinned.paths['/v2/end-users/{end_user_id}/conversations'] = {
      get: { operationId: 'listConversations', responses: { 200: { description: 'ok' } } },
    };
    writeFileSync(join(project, 'contract', 'openapi.json'), JSON.stringify(pinned));
    const step = job!.steps.find((s) => s.run?.includes('check-breaking'))!;
    const result = await runStep(step, jobEnv);
    expect(result.code).toBe(1);
    const failures = cases((await parseJunit(readFileSync(join(project, 'reports', 'breaking.xml'), 'utf8'))) as TestSuites);
    expect(failures).toEqual([
      expect.objectContaining({
        name: '/v2/end-users/{end_user_id}/conversations',
        classname: '/v2/end-users/{end_user_id}/conversations',
        failure: [expect.objectContaining({ message: 'path removed', type: 'breaking' })],
      }),
    ]);
  });

  it('verify, where the optional fast-check is not installed (as here): one line saying what to install, exit 2', async () => {
    const server = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const bin = join(project, 'node_modules', '.bin', 'ada-end-users-contract');
      const result = await run(
        bin,
        ['verify', '--base-url', `http://127.0.0.1:${port}`, '--token', 'tok_example', '--end-user-id', 'abc'],
        {
          cwd: project,
        },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
      expect(result).toEqual({
        code: 2,
        stderr: expect.stringMatching(
          /^ada-end-users-contract verify: .*needs fast-check, an optional peer dependency: npm install --save-dev fast-check@\S+\n$/,
        ),
      });
    } finally {
      server.close();
    }
  });
});
