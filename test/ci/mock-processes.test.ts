// CI-only (`npm run test:ci`): the mock's processes as a user's shell meets them: `npm start` (its curl
// lines run as printed, signals, a dying host, npm killed outright) and a process that exits without
// stop(). Each spawns npm or node and waits on real process lifecycles, so they run in .ci/run, not in
// `npm test`.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/operations.js';
import { validateResponse } from '../../src/contract/validation.js';
import { accepts } from '../helpers/net.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('startMock', () => {
  it(
    'leaves no Prism behind when the process that started it exits without stop()',
    async () => {
      const script = "import { startMock } from './src/mock/mock.ts'; const m = await startMock(); console.log(m.port); process.exit(0);";
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: ROOT,
      });
      const port = Number(stdout.trim());
      expect(port).toBeGreaterThan(0);
      // SIGKILL is delivered asynchronously: give the kernel a moment to tear Prism down.
      const deadline = Date.now() + 3000;
      while ((await accepts(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await accepts(port)).toBe(false);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});

async function startNpmStart(command: string, args: string[], marker: string, expected = Object.keys(operations).length) {
  const child = spawn(command, args, {
    env: { ...process.env, PORT: '0', ADA_TEST_MARKER: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a CI job's background step has
  });
  let stdout = '';
  // `# operationId: summary` then its curl line, for each operation (two for the stateful fake).
  const tries = await new Promise<Array<{ operationId: string; curl: string }>>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = [...stdout.matchAll(/^# (\w+): .*\n(curl .*)\n/gm)].map(([, operationId, curl]) => ({
        operationId: operationId!,
        curl: curl!,
      }));
      if (found.length === expected) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stdout}`)));
  });
  const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
  return { child, tries, url, port: Number(new URL(url).port), stdout };
}

/** Processes (pids) whose environment holds the marker: everything a start left behind. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`ADA_TEST_MARKER=${marker}\0`);
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}

/** Polls until `done()` holds or `ms` pass; returns whether it held. */
async function eventually(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done();
}

// Each start is independent (PORT=0, its own marker): they run side by side.
describe.concurrent('npm start', () => {
  // `npm start &` then `kill $!`: the signal goes to npm's own process, not to the script.
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves the spec, prints a curl line per operation that works as pasted; %s to npm’s own process stops everything',
    async (signal) => {
      const marker = randomUUID();
      const { child, tries, url, port } = await startNpmStart('npm', ['start', '--silent'], marker);
      try {
        expect(tries.map((t) => t.operationId).sort()).toEqual(Object.keys(operations).sort());
        for (const { operationId, curl } of tries) {
          expect(curl).toContain(`${url}/v2/end-users/`);
          const { stdout: answer } = await promisify(execFile)('bash', ['-c', curl]);
          expect([operationId, validateResponse(operationId, 200, JSON.parse(answer))]).toEqual([operationId, { ok: true }]);
        }
        expect(processesWith(marker).length).toBeGreaterThanOrEqual(2); // npm, the script, the Prism host
      } finally {
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        process.kill(child.pid!, signal);
        const stopped = await eventually(async () => processesWith(marker).length === 0 && !(await accepts(port)), 15_000);
        if (!stopped) process.kill(-child.pid!, 'SIGKILL'); // leave nothing behind, whatever the verdict
        expect({ left: processesWith(marker), accepting: await accepts(port), exitCode: await exited }).toEqual({
          left: [],
          accepting: false,
          exitCode: signal === 'SIGINT' ? 130 : 143, // 128 + the signal's number, as a shell reports it
        });
      }
    },
    CHILD_PROCESS_TIMEOUT,
  );

  // [what runs, npm's arguments, curl lines it prints]
  const modes = [
    ['the mock', ['start', '--silent'], Object.keys(operations).length],
    ['the fake', ['start', '--silent', '--', '--stateful'], 2],
  ] as const;

  it.each(modes)(
    'Ctrl-C (SIGINT to the whole process group, as a terminal sends it) exits 130 and stops everything: %s',
    async (_name, args, lines) => {
      const marker = randomUUID();
      const { child, port } = await startNpmStart('npm', [...args], marker, lines);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      process.kill(-child.pid!, 'SIGINT'); // npm and the script each get it, and npm passes its copy on too
      const code = await exited;
      const stopped = await eventually(async () => processesWith(marker).length === 0 && !(await accepts(port)), 15_000);
      if (!stopped) for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      expect({ code, stopped }).toEqual({ code: 130, stopped: true });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it.each(modes)(
    'a Prism host that dies ends npm start with exit 1, saying what died: %s',
    async (_name, args, lines) => {
      const marker = randomUUID();
      const { child } = await startNpmStart('npm', [...args], marker, lines);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // 'close', not 'exit': only then has everything the process wrote been read (Node 24 told them apart).
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      const host = processesWith(marker).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('prism/host.cjs'));
      process.kill(host!, 'SIGKILL');
      const code = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 30_000)),
      ]);
      if (code === 'still running') process.kill(-child.pid!, 'SIGKILL');
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^ada-end-users-contract mock: the mock stopped serving: the Prism host process \(pid \d+\) was killed \(SIGKILL\)$/m,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    '--stateful --seed: the fake, with its seed; its curl lines create and then list',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ada-seed-'));
      const seedFile = join(dir, 'seed.json');
      writeFileSync(
        seedFile,
        JSON.stringify([{ end_user_id: '5f7e0e2c1e7c7e000f0f9c3a', external_id: 'crm-7', profile: { first_name: 'Ada' } }]),
      );
      const args = ['--import', 'tsx', 'src/cli/index.ts', 'mock', '--stateful', '--seed', seedFile];
      const { child, tries, port } = await startNpmStart(process.execPath, args, randomUUID(), 2);
      try {
        expect(tries.map((t) => t.operationId)).toEqual(['createEndUser', 'listEndUsers']);
        const created = JSON.parse((await promisify(execFile)('bash', ['-c', tries[0]!.curl])).stdout);
        const listed = JSON.parse((await promisify(execFile)('bash', ['-c', tries[1]!.curl])).stdout);
        expect(listed.data.map((user: { end_user_id: string }) => user.end_user_id)).toEqual([
          '5f7e0e2c1e7c7e000f0f9c3a',
          created.end_user_id,
        ]);
      } finally {
        child.kill('SIGINT');
        await new Promise((resolve) => child.once('exit', resolve));
        rmSync(dir, { recursive: true, force: true });
      }
      expect(await accepts(port)).toBe(false);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'an option of the fake without --stateful, or a bad one: exit 2, one line naming it',
    async () => {
      const run = (args: string[]) =>
        promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'mock', ...args], {
          env: { ...process.env, PORT: '0' },
        }).then(
          () => ({ code: 0, stderr: '' }),
          (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
        );
      expect(await run(['--seed', 'x.json'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^ada-end-users-contract mock: --seed is an option of the stateful fake: add --stateful\n/),
      });
      expect(await run(['--stateful', '--metadata', 'deep'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^ada-end-users-contract mock: --metadata must be merge or replace, got "deep"/),
      });
      expect(await run(['--stateful', '--webhook-url', 'http://127.0.0.1:9'])).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--webhook-url and --webhook-secret go together/),
      });
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'the script stops when npm is killed outright (SIGKILL), leaving nothing behind',
    async () => {
      const marker = randomUUID();
      const { child, port } = await startNpmStart('npm', ['start', '--silent'], marker);
      process.kill(child.pid!, 'SIGKILL');
      const stopped = await eventually(async () => processesWith(marker).length === 0 && !(await accepts(port)), 15_000);
      if (!stopped) for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
      expect(stopped).toBe(true);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
