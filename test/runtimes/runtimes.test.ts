// `npm run test:runtimes`: the root entry, built (dist/), on every runtime a consumer runs it on: Node
// 20 and 22 (24 runs the packed package in test:consumer), Bun, Deno (each importing the package from
// node_modules as it resolves it), Cloudflare's workerd (an
// esbuild bundle for workers, in Miniflare) and Chromium (a browser bundle). Each runs test/runtimes/
// program.ts against one loopback server playing Ada: validators, a webhook signed by the `svix` package,
// one call, and the refusals (a redirect, an oversized answer, a bad token). Node's report is held to
// what the kit promises; every other runtime's must equal Node's. The runtimes are real binaries from the
// npm registry, pinned in test/runtimes/package.json: `npm ci --prefix test/runtimes`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { json, type RecordedRequest, startServer, type TestServer } from '../helpers/http-server.js';
import { operations } from '../../src/contract/operations.js';
import { openapiDocument } from '../../src/contract/spec.js';
import { specExample } from '../helpers/support.js';
import type { RuntimeConfig } from './program.js';

const root = join(import.meta.dirname, '..', '..');
const runtimes = join(import.meta.dirname, 'node_modules');
const bin = (name: string) => join(runtimes, '.bin', name);
const TOKEN = 'tok_runtime_Zm9vYmFy';
const TIMEOUT_MS = 60_000;

let work = '';
let server: TestServer;
let config: RuntimeConfig;
const seed = { ...specExample('EndUserSeedResponse'), end_user_id: 'known' };

function answer(request: RecordedRequest, response: ServerResponse): void {
  const path = new URL(request.url, 'http://127.0.0.1').pathname;
  // The browser's page and program come from the same origin as the API: no CORS in the way.
  if (path === '/index.html') {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><script type="module">
      import { start } from '/browser.mjs';
      window.report = start(${JSON.stringify(config)});
    </script>`);
    return;
  }
  if (path === '/browser.mjs') {
    response.writeHead(200, { 'content-type': 'text/javascript' });
    response.end(readFileSync(join(work, 'browser.mjs')));
    return;
  }
  if (request.headers.authorization !== `Bearer ${TOKEN}`) {
    json(response, 401, openapiDocument.components.responses.Unauthorized.content['application/json'].examples.invalidKey.value);
    return;
  }
  if (path === '/v2/end-users/known') {
    json(response, 200, seed);
    return;
  }
  if (path === '/v2/end-users/moved') {
    response.writeHead(307, { location: `${server.url}/elsewhere` });
    response.end();
    return;
  }
  if (path === '/v2/end-users/large') {
    // 1 MB of a JSON string, chunked (no length declared): only counting stops it.
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"end_user_id":"');
    for (let i = 0; i < 16; i++) response.write('x'.repeat(64 * 1024));
    response.end('"}');
    return;
  }
  json(response, 404, openapiDocument.components.responses.NotFound.content['application/json'].examples.endUserNotFound.value);
}

beforeAll(async () => {
  for (const needed of [join(root, 'dist', 'src', 'index.js'), bin('node'), bin('bun'), bin('deno'), join(runtimes, 'miniflare')]) {
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npm run build\` and \`npm ci --prefix test/runtimes\` first`);
  }
  work = mkdtempSync(join(tmpdir(), 'ada-runtimes-'));
  // A consumer's project: the package as npm packs it (the built dist/, no repository file beside it:
  // no tsconfig.json whose paths a runtime or bundler could apply), and its dependencies.
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  const installed = join(work, 'node_modules', 'ada-end-users-contract');
  mkdirSync(installed, { recursive: true });
  const packed = await promisify(execFile)('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
  const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  await promisify(execFile)('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  // Each dependency as the repository installed it (its own dependencies resolve beside it there).
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies)) {
    mkdirSync(dirname(join(work, 'node_modules', dependency)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dependency), join(work, 'node_modules', dependency), 'dir');
  }

  server = await startServer(answer);
  const secret = `whsec_${Buffer.from('runtime-test-secret-0123456789ab').toString('base64')}`;
  const body = JSON.stringify(specExample('EndUserCreatedEventPayload'));
  const id = 'msg_runtime_1';
  const at = new Date();
  config = {
    baseUrl: server.url,
    token: TOKEN,
    webhook: {
      body,
      secret,
      otherSecret: `whsec_${Buffer.from('another-secret-0123456789abcdef').toString('base64')}`,
      headers: {
        'svix-id': id,
        'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
        'svix-signature': new Webhook(secret).sign(id, at, body),
      },
    },
  };
  writeFileSync(join(work, 'config.json'), JSON.stringify(config));

  const program = join(import.meta.dirname, 'program.ts');
  const bundle = (entry: string, outfile: string, options: Parameters<typeof build>[0]) =>
    build({
      stdin: { contents: entry, resolveDir: work, loader: 'ts' },
      bundle: true,
      format: 'esm',
      outfile,
      logLevel: 'silent',
      ...options,
    });
  await Promise.all([
    // Node, Bun and Deno import the package from node_modules themselves: only the program is compiled.
    build({ entryPoints: [program], format: 'esm', outfile: join(work, 'program.mjs'), logLevel: 'silent' }),
    bundle(
      `import * as kit from 'ada-end-users-contract';
       import { run } from ${JSON.stringify(program)};
       export default { async fetch(request) { return Response.json(await run(kit, await request.json())); } };`,
      join(work, 'worker.mjs'),
      { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'] },
    ),
    bundle(
      `import * as kit from 'ada-end-users-contract';
       import { run } from ${JSON.stringify(program)};
       export const start = (config) => run(kit, config);`,
      join(work, 'browser.mjs'),
      { platform: 'browser' },
    ),
  ]);
  writeFileSync(
    join(work, 'runner.mjs'),
    `import * as kit from 'ada-end-users-contract';
     import { run } from './program.mjs';
     import config from './config.json' with { type: 'json' };
     console.log(JSON.stringify(await run(kit, config)));`,
  );
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (work && !process.env.KEEP_RUNTIME_WORK) rmSync(work, { recursive: true, force: true });
});

async function runCommand(command: string, args: string[], env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await promisify(execFile)(command, args, { cwd: work, timeout: TIMEOUT_MS, env: { ...process.env, ...env } });
  return JSON.parse(stdout);
}

const reports: Record<string, unknown> = {};

describe('the root entry on every runtime', () => {
  it('Node: does what the kit promises', async () => {
    const report = (await runCommand(process.execPath, ['runner.mjs'])) as Record<string, unknown>;
    reports.node = report;
    expect(report).toMatchObject({
      operations: Object.keys(operations), // the spec's, in its order
      validRequest: { ok: true },
      invalidRequest: {
        ok: false,
        errors: [
          { path: '/colour', in: 'query', keyword: 'parameter' },
          { path: '/limit', in: 'query', keyword: 'maximum' },
        ],
      },
      oversizedMetadata: { ok: false, errors: [{ path: '/profile/metadata', keyword: 'x-max-json-bytes' }] },
      webhook: { value: { type: 'v1.end_user.created', endUserId: specExample('EndUserCreatedEventPayload').data.end_user_id } },
      webhookBytes: { value: 'v1.end_user.created' },
      webhookOtherSecret: { error: { name: 'WebhookSignatureError' } },
      webhookTampered: { error: { name: 'WebhookSignatureError' } },
      call: { value: 'known' },
      redirect: {
        error: { name: 'RedirectError', status: 307, message: 'Ada API responded 307: a redirect, which the client does not follow' },
      },
      oversized: { error: { name: 'ResponseTooLargeError', status: 200, maxResponseBytes: 100_000 } },
      badToken: { error: { name: 'AuthenticationError', status: 401 } },
      malformedToken: { error: { name: 'TypeError' } },
      badPathParameter: { error: { name: 'AdaValidationError' } },
    });
    // Neither the token nor the webhook secret appears in anything a caller could log.
    expect(JSON.stringify(report)).not.toContain(TOKEN);
    expect(JSON.stringify(report)).not.toContain(config.webhook.secret.slice(6));
  });

  // What a runtime may report otherwise, and why: nothing but what it hides from the program.
  const browserRedirect = {
    // Browsers hide a redirect's status and Location from scripts (an opaque redirect): the same class, status 0.
    redirect: {
      error: {
        name: 'RedirectError',
        status: 0,
        message: 'Ada API responded with a redirect (the browser hides its status), which the client does not follow',
      },
    },
  };
  const others: [string, () => Promise<unknown>, Record<string, unknown>?][] = [
    ['Node 22', () => runCommand(bin('node'), ['runner.mjs'])],
    ['Bun', () => runCommand(bin('bun'), ['runner.mjs'])],
    [
      'Deno',
      () =>
        runCommand(bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'runner.mjs'], {
          DENO_DIR: join(work, '.deno'),
          DENO_NO_UPDATE_CHECK: '1',
        }),
    ],
    ['workerd (Miniflare)', runWorker],
    ['Chromium', runBrowser, browserRedirect],
  ];
  it.each(others)('%s: the same report as Node', async (_name, runOn, differences = {}) => {
    expect(reports.node, 'the Node test runs first').toBeDefined();
    expect(await runOn()).toEqual({ ...(reports.node as object), ...differences });
  });

  it('nothing followed a redirect: no request reached where it pointed', () => {
    expect(server.requests.filter((request) => request.url.startsWith('/elsewhere'))).toEqual([]);
  });
});

/** The worker bundle in workerd, through Miniflare (`cf: false`: it would fetch Cloudflare's metadata). */
async function runWorker(): Promise<unknown> {
  // Imported where used, from test/runtimes/node_modules (the type is what this test calls of it).
  const { Miniflare } = (await import(join(runtimes, 'miniflare', 'dist', 'src', 'index.js'))) as {
    Miniflare: new (
      options: Record<string, unknown>,
    ) => { dispatchFetch(url: string, init: { method: string; body: string }): Promise<Response>; dispose(): Promise<void> };
  };
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: join(work, 'worker.mjs'),
    modulesRoot: work, // module names are relative to it (the default, the working directory, would need "..")
    compatibilityDate: '2025-01-01',
    cf: false,
  });
  try {
    const response = await miniflare.dispatchFetch('http://worker.test/', { method: 'POST', body: JSON.stringify(config) });
    return await response.json();
  } finally {
    await miniflare.dispose();
  }
}

/** The browser bundle in a page of the same origin as the API. */
async function runBrowser(): Promise<unknown> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/index.html`);
    return await page.evaluate(() => (globalThis as unknown as { report: Promise<unknown> }).report);
  } finally {
    await browser.close();
  }
}
