// `npm run test:generators`: the bundled contract through the code generators other repositories run on
// it (openapi-typescript, @hey-api/openapi-ts with its zod plugin, orval's fetch client and zod schemas,
// swagger-typescript-api), each with a program in test/generators/programs/ that a consumer would write:
// it calls every operation and reads each webhook payload. All programs typecheck together under
// `strict`, then each runs against the mock and must report what the contract promises. What a
// generator loses of the contract is pinned where docs/generators.md says so (openapi-zod-client below,
// swagger-typescript-api in its program), so that a fix upstream shows up here. The generators
// are pinned in test/generators/package.json (`npm ci --prefix test/generators`); hey-api and orval need
// Node 22.18+, given as GENERATOR_NODE (.ci/run passes Node 24's).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/operations.js';
import { startMock, type RunningMock } from '../../src/testing.js';
import { specExample, TEST_TOKEN } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');
const generators = join(import.meta.dirname, 'node_modules');
const programs = join(import.meta.dirname, 'programs');
const spec = join(root, 'generated', 'openapi.json');
const run = promisify(execFile);
const TIMEOUT_MS = 120_000;

let work = '';
let mock: RunningMock;

/** A generator's CLI, run with the Node it needs, writing into work/<program>/<folder>. */
async function generate(node: string, args: string[], cwd = work): Promise<void> {
  await run(node, args, { cwd, timeout: TIMEOUT_MS, env: { ...process.env, NO_COLOR: '1' } });
}

beforeAll(async () => {
  const generatorNode = process.env.GENERATOR_NODE;
  if (!generatorNode) throw new Error('GENERATOR_NODE must name a Node 22.18+ binary (hey-api and orval need it); .ci/run passes Node 24');
  if (!existsSync(join(generators, '@hey-api', 'openapi-ts')))
    throw new Error(`${generators} is missing: run \`npm ci --prefix test/generators\``);
  work = mkdtempSync(join(tmpdir(), 'ada-generators-'));
  cpSync(programs, work, { recursive: true });
  writeFileSync(
    join(work, 'payloads.json'),
    JSON.stringify({ created: specExample('EndUserCreatedEventPayload'), updated: specExample('EndUserUpdatedEventPayload') }),
  );
  // What the programs import besides the generated code: the kit's openapi-fetch, zod as the generators'
  // output expects, and Node's types (a program reads process.env).
  mkdirSync(join(work, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'node_modules', 'openapi-fetch'), join(work, 'node_modules', 'openapi-fetch'), 'dir');
  symlinkSync(join(generators, 'zod'), join(work, 'node_modules', 'zod'), 'dir');
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(work, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        types: ['node'],
        resolveJsonModule: true,
        noEmit: true,
        skipLibCheck: false,
      },
      include: ['*.ts', 'generated-*/**/*.ts'],
    }),
  );
  writeFileSync(
    join(work, 'orval.config.mjs'),
    `export default {
       fetch: { input: { target: ${JSON.stringify(spec)} }, output: { target: './generated-orval/fetch.ts', client: 'fetch' } },
       zod: { input: { target: ${JSON.stringify(spec)} }, output: { target: './generated-orval/zod.ts', client: 'zod' } },
     };`,
  );
  const heyApi = (out: string, zod: string) =>
    `export default { input: ${JSON.stringify(spec)}, output: ${JSON.stringify(out)}, logs: { file: false },
       plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk', ${zod}] };`;
  // Ada's timestamps carry an offset (+00:00), which the zod plugin refuses unless told otherwise.
  writeFileSync(join(work, 'hey-api.config.mjs'), heyApi('./generated-hey-api', "{ name: 'zod', dates: { offset: true } }"));
  writeFileSync(join(work, 'hey-api-default.config.mjs'), heyApi('./generated-hey-api-default-dates', "'zod'"));
  await Promise.all([
    generate(process.execPath, [
      join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
      spec,
      '-o',
      'generated-openapi-typescript/schema.ts',
    ]),
    generate(generatorNode, [join(generators, '@hey-api', 'openapi-ts', 'bin', 'run.js'), '-f', 'hey-api.config.mjs']),
    generate(generatorNode, [join(generators, '@hey-api', 'openapi-ts', 'bin', 'run.js'), '-f', 'hey-api-default.config.mjs']),
    generate(generatorNode, [join(generators, 'orval', 'dist', 'bin', 'orval.mjs'), '--config', 'orval.config.mjs']),
    generate(process.execPath, [
      join(generators, 'swagger-typescript-api', 'dist', 'cli.mjs'),
      'generate',
      '--path',
      spec,
      '--output',
      'generated-swagger-typescript-api',
      '--name',
      'api.ts',
    ]),
  ]);
  mock = await startMock();
}, 240_000);

afterAll(async () => {
  await mock?.stop();
  if (work && !process.env.KEEP_GENERATOR_WORK) rmSync(work, { recursive: true, force: true });
});

/** The program as a consumer's build makes it (esbuild), run on this Node against the mock. */
async function runProgram(name: string): Promise<unknown> {
  const outfile = join(work, `${name}.mjs`);
  await build({ entryPoints: [join(work, `${name}.ts`)], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  const { stdout } = await run(process.execPath, [outfile], {
    cwd: work,
    timeout: TIMEOUT_MS,
    env: { ...process.env, ADA_BASE_URL: mock.url, ADA_TOKEN: TEST_TOKEN },
  });
  return JSON.parse(stdout);
}

describe('code generators other repositories run on the contract', () => {
  it(
    'every program typechecks with the generated code under strict',
    async () => {
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      await expect(run(process.execPath, [tsc, '-p', work], { cwd: work, timeout: TIMEOUT_MS })).resolves.toMatchObject({ stdout: '' });
    },
    TIMEOUT_MS,
  );

  /** The 2xx statuses the spec documents for an operation. */
  const successes = (operationId: string) =>
    Object.keys(operations[operationId]!.responses)
      .filter((status) => /^2\d\d$/.test(status))
      .map(Number);
  const created = specExample('EndUserCreatedEventPayload');
  const updated = specExample('EndUserUpdatedEventPayload');
  // What the contract promises each consumer: the mock's answers, and payloads that keep every field.
  const expected = {
    list: expect.toBeOneOf(successes('listEndUsers')),
    create: expect.toBeOneOf(successes('createEndUser')),
    get: { status: 200, endUserId: specExample('EndUserSeedResponse').end_user_id },
    update: { status: 200, firstName: specExample('EndUserSeedResponse').profile.first_name },
    webhooks: [created, updated].map(({ type, data }) => ({
      type,
      endUserId: data.end_user_id,
      externalId: (data as { external_id?: string | null }).external_id,
      createdAt: data.created_at,
      updatedAt: data.updated_at,
    })),
  };
  it(
    'openapi-zod-client still drops the constraints of nullable strings (docs/generators.md says so: this fails once it keeps them)',
    async () => {
      await generate(process.execPath, [join(generators, 'openapi-zod-client', 'bin.js'), spec, '-o', 'openapi-zod-client.ts']);
      const written = readFileSync(join(work, 'openapi-zod-client.ts'), 'utf8');
      // ExternalId is `type: [string, 'null']` with maxLength 36 and a pattern; Language, Email and Avatar likewise lose theirs.
      expect(written).toContain('const ExternalId = z.union([z.string(), z.null()]);');
    },
    TIMEOUT_MS,
  );

  it.each(['openapi-typescript', 'hey-api', 'orval', 'swagger-typescript-api'])(
    '%s: calls every operation against the mock and reads every webhook payload whole',
    async (name) => {
      expect(await runProgram(name)).toEqual(expected);
    },
    TIMEOUT_MS,
  );
});
