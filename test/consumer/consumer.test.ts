// The package as another repo meets it: `npm pack`, install the tarball into a fresh project (offline
// first, from the npm cache), typecheck a file that uses the kit the way the README shows (strict, no
// skipLibCheck), compile and run it against the mock, and load the bundled spec files.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'ada-consumer-'));
const project = join(work, 'project');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contractVersion: string = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8')).info.version;

const CONSUMER = `
import { AdaApiError, ConflictError, createAdaClient, validateUpdateEndUserRequest, verifyWebhook, type EndUserWebhookEvent } from 'ada-end-users-contract';
import { startMock } from 'ada-end-users-contract/testing';
import type { components, paths } from 'ada-end-users-contract/schema';
import spec from 'ada-end-users-contract/openapi.json' with { type: 'json' };
import { createRequire } from 'node:module';
import { createServer } from 'node:http';

type EndUser = components['schemas']['EndUser'];
type Body = paths['/v2/end-users/{end_user_id}']['patch']['requestBody']['content']['application/json'];

// @ts-expect-error the types are real: a typo in a request body does not compile
const typo: Body = { profile: { firstName: 'Ada' } };
void typo;

const mock = await startMock();
try {
  const ada = createAdaClient({ baseUrl: mock.url, token: 'test-token' });
  const { endUser, created } = await ada.createEndUser({ external_id: 'crm-1' }, { headers: { Prefer: 'code=201' } });
  const found: EndUser | null = await ada.findEndUserByExternalId('crm-1', { headers: { Prefer: 'example=lookup' } });
  const page = await ada.listEndUsers({ limit: 10 });
  const user: EndUser = await ada.updateEndUser(endUser.end_user_id, { profile: { first_name: 'Ada' } });
  let conflict: string | undefined;
  try {
    await ada.updateEndUser('x', { profile: {} }, { headers: { Prefer: 'code=409' } });
  } catch (error) {
    if (error instanceof ConflictError && error instanceof AdaApiError) conflict = error.name;
  }
  const require = createRequire(import.meta.url);
  console.log(JSON.stringify({
    endUserId: user.end_user_id,
    created,
    found: found?.end_user_id,
    pageSize: page.data.length,
    conflict,
    title: spec.info.title,
    version: spec.info.version,
    yaml: require.resolve('ada-end-users-contract/openapi.yaml').endsWith('openapi.yaml'),
    validator: validateUpdateEndUserRequest({ profile: { firstName: 1 } }),
  }));
} finally {
  await mock.stop();
}

// The stateful fake remembers, and sends its webhooks signed to a receiver that verifies them.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const received: EndUserWebhookEvent[] = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push(verifyWebhook(Buffer.concat(chunks), req.headers, SECRET));
    res.end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const { port } = receiver.address() as { port: number };
const fake = await startMock({ stateful: true, webhooks: { url: 'http://127.0.0.1:' + port + '/hooks', secret: SECRET } });
try {
  const ada = createAdaClient({ baseUrl: fake.url, token: 'test-token' });
  const { endUser } = await ada.createEndUser({ external_id: 'crm-9' });
  await ada.updateEndUser(endUser.end_user_id, { profile: { first_name: 'Grace' } });
  const again = await ada.findEndUserByExternalId('CRM-9');
  await fake.webhooksSettled();
  console.log(JSON.stringify({
    remembered: again?.profile.first_name,
    size: fake.size,
    webhooks: received.map((event) => event.type + ' ' + (event.data.end_user_id === endUser.end_user_id)),
  }));
} finally {
  await fake.stop();
  receiver.close();
}
`;

/**
 * The Node binaries the program runs on: this one, and those .ci/run names in CONSUMER_NODES
 * (colon-separated: Node 24), so that one pack, install and typecheck serves every Node.
 */
const nodes = [process.execPath, ...(process.env.CONSUMER_NODES ?? '').split(':').filter(Boolean)].map(
  (node) => [execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(), node] as const,
);

let tarball = '';
beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const peers = [
    `typescript@${manifest.devDependencies.typescript}`,
    `@types/node@${manifest.devDependencies['@types/node']}`,
    `@stoplight/prism-cli@${manifest.peerDependencies['@stoplight/prism-cli']}`,
    `fast-check@${manifest.peerDependencies['fast-check']}`, // the optional peers /testing needs
  ];
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...peers], { cwd: project });
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        resolveJsonModule: true,
        types: ['node'],
        outDir: 'out',
        skipLibCheck: false,
      },
      include: ['consumer.ts', 'readme.ts'],
    }),
  );
  writeFileSync(join(project, 'consumer.ts'), CONSUMER);
  // The README's first TypeScript block (its 30 seconds), as a consumer pastes it: typechecked, never run
  // (it calls a real Ada instance).
  const readmeCode = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1];
  if (!readmeCode) throw new Error('README.md has no ```ts block');
  writeFileSync(join(project, 'readme.ts'), readmeCode);
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed in a fresh project', () => {
  it('ships only what consumers need, each artifact once', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout
      .trim()
      .split('\n')
      .map((f) => f.replace(/^package\//, ''));
    expect(files.filter((f) => /openapi\.(json|yaml)$/.test(f)).sort()).toEqual(['dist/generated/openapi.json', 'generated/openapi.yaml']);
    expect(files.filter((f) => /(^|\/)schema\.(ts|d\.ts)$/.test(f))).toEqual(['dist/generated/schema.d.ts']);
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/prism/host.cjs');
    expect(files).toContain('dist/src/prism/http.cjs');
    expect(files).toContain('dist/generated/schema.d.ts');
    expect(files).toContain('dist/generated/openapi.json');
    expect(files).toContain('generated/openapi.yaml');
    expect(files.filter((f) => /^(test|scripts|spec|\.ci)\//.test(f) || f.startsWith('node_modules/'))).toEqual([]);
  });

  it.each(nodes)(
    'the root entry loads neither fast-check nor Prism (they are for ada-end-users-contract/testing), on Node %s',
    async (_version, node) => {
      // Every module the root entry loads, as Node resolves them, recorded by a resolve hook. The hook
      // appends to a file, synchronously: it runs on the hooks thread, whose process.stderr writes may
      // still be queued when the process exits (on Node 24 the list sometimes came back short).
      const log = join(project, 'loaded.txt');
      rmSync(log, { force: true });
      writeFileSync(
        join(project, 'loads.mjs'),
        `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(\`
        import { appendFileSync } from 'node:fs';
        export async function resolve(specifier, context, next) {
          const resolved = await next(specifier, context);
          appendFileSync(${JSON.stringify(log)}, resolved.url + '\\\\n');
          return resolved;
        }\`));`,
      );
      await run(node, ['--import', './loads.mjs', '--input-type=module', '-e', "await import('ada-end-users-contract')"], {
        cwd: project,
      });
      const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      expect(loaded.some((url) => url.includes('/ada-end-users-contract/dist/src/client/client.js'))).toBe(true);
      expect(loaded.filter((url) => /fast-check|@stoplight|prism/.test(url))).toEqual([]);
    },
    60_000,
  );

  it.each(nodes)(
    'the bin runs from the install on Node %s (compiled, no tsx): its versions, the contract, and check-breaking on a copy of it',
    async (_version, node) => {
      const bin = join(project, 'node_modules', '.bin', 'ada-end-users-contract');
      const version = await run(node, [bin, '--version'], { cwd: project });
      expect(version.stdout).toBe(`ada-end-users-contract ${manifest.version} (contract ${contractVersion})\n`);
      const spec = await run(node, [bin, 'spec'], { cwd: project });
      writeFileSync(join(project, 'pinned-openapi.json'), spec.stdout);
      const check = await run(node, [bin, 'check-breaking', '--base', 'pinned-openapi.json'], { cwd: project });
      expect(check.stdout).toBe('no breaking changes against pinned-openapi.json (0 safe changes)\n');
      // Its JSON report, held to the schema the package exports (resolved as a consumer resolves it).
      const json = await run(node, [bin, 'check-breaking', '--base', 'pinned-openapi.json', '--format', 'json'], { cwd: project });
      const schemaFile = createRequire(join(project, 'consumer.js')).resolve('ada-end-users-contract/report.schema.json');
      const ajv = new Ajv2020({ strict: true });
      (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
      const valid = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
      const report = JSON.parse(json.stdout);
      expect(valid(report) ? [] : valid.errors).toEqual([]);
      expect(report).toMatchObject({ tool: { version: manifest.version }, verdict: 'pass', exitCode: 0 });
    },
    60_000,
  );

  it('the bin serves the mock from the install (its Prism peer beside it) until SIGTERM, then exits 143', async () => {
    const bin = join(project, 'node_modules', '.bin', 'ada-end-users-contract');
    const child = spawn(process.execPath, [bin, 'mock', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const found = /^Prism mock of .* on (http:\/\/127\.0\.0\.1:\d+) \(the bundled contract, --errors\)$/m.exec(stdout);
          if (found) resolve(found[1]!);
        });
        void exited.then((code) => reject(new Error(`the mock exited with ${code}: ${stdout}`)));
      });
      const answer = await fetch(`${url}/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a`, { headers: { Authorization: 'Bearer t' } });
      expect([answer.status, ((await answer.json()) as { end_user_id: string }).end_user_id]).toEqual([200, '5f7e0e2c1e7c7e000f0f9c3a']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(143);
  }, 60_000);

  it('typechecks code written the way the guides show, and the README’s own (strict, no skipLibCheck)', async () => {
    await expect(run('npx', ['tsc', '-p', '.'], { cwd: project })).resolves.toBeDefined();
  }, 120_000);

  it.each(nodes)(
    'runs it on Node %s: the client against the mock, typed errors, the validators, the bundled spec, the stateful fake and verifyWebhook',
    async (_version, node) => {
      const { stdout } = await run(node, ['out/consumer.js'], { cwd: project });
      const [plain, stateful] = stdout.trim().split('\n');
      expect(JSON.parse(stateful!)).toEqual({
        remembered: 'Grace',
        size: 1,
        webhooks: ['v1.end_user.created true', 'v1.end_user.updated true'],
      });
      expect(JSON.parse(plain!)).toEqual({
        endUserId: '5f7e0e2c1e7c7e000f0f9c3a',
        created: true,
        found: '5f7e0e2c1e7c7e000f0f9c3a',
        pageSize: 1,
        conflict: 'ConflictError',
        title: 'Ada End Users API',
        version: JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8')).info.version, // the contract's version, not the package's
        yaml: true,
        validator: { ok: false, errors: [expect.objectContaining({ path: '/profile/firstName', keyword: 'additionalProperties' })] },
      });
    },
    60_000,
  );
});
