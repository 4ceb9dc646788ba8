// `npm run bench`: what the kit costs, measured against baselines run in the same process, on the built
// package (dist/) as consumers get it. Warm-up, interleaved rounds, medians; prints a markdown table of
// absolute figures and ratios and writes bench/RESULTS.md (with bench/notes.md appended).
// BENCH_ROUNDS (default 5) sets the rounds; BENCH_SKIP_PIPELINE=1 skips timing the CI steps.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accepts } from '../test/helpers/net.js';

// The built package (dist/), as consumers get it, loaded at run time (`npm run bench` builds it first);
// typed by the sources it is built from, so that `npm run typecheck` needs no build.
const dist = <T>(module: string) => import(new URL(`../dist/src/${module}.js`, import.meta.url).href) as Promise<T>;
const { createAdaClient, validateUpdateEndUserRequest } = await dist<typeof import('../src/index.js')>('index');
const { startMock } = await dist<typeof import('../src/testing.js')>('testing');
const { operations } = await dist<typeof import('../src/contract/operations.js')>('contract/operations');
const { compiledValidator } = await dist<typeof import('../src/contract/ajv.js')>('contract/ajv');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const spec = JSON.parse(readFileSync(join(ROOT, 'generated', 'openapi.json'), 'utf8'));
const seedRequest = spec.components.examples.UpdateEndUserSeedRequest.value;
const seedResponse = JSON.stringify(spec.components.examples.EndUserSeedResponse.value);

interface Row {
  group: string;
  variant: string;
  value: number;
  unit: string;
  baseline?: string;
  target?: number;
}
const rows: Row[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Interleaved rounds of every variant; the median per-op time of each. */
async function compare(
  group: string,
  unit: string,
  ops: number,
  variants: Record<string, () => Promise<unknown> | unknown>,
  baseline: string,
  targets: Record<string, number> = {},
  concurrency = 1,
) {
  const names = Object.keys(variants);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const runOnce = async (fn: () => Promise<unknown> | unknown, count: number) => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < count / concurrency; i++) await fn();
      }),
    );
    return (performance.now() - started) / count;
  };
  for (const name of names) await runOnce(variants[name]!, Math.min(ops, 200)); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(await runOnce(variants[name]!, ops));
  }
  for (const name of names) {
    rows.push({ group, variant: name, value: median(samples[name]!), unit, baseline, ...(targets[name] ? { target: targets[name] } : {}) });
  }
}

/** A minimal node:http server answering every request with the seed response's bytes. */
function seedServer(): Server {
  return createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(seedResponse) });
      res.end(seedResponse);
    });
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

// ---------------------------------------------------------------------------------------------
// 1. Client

const api = seedServer();
const apiUrl = await listen(api);
const body = JSON.stringify(seedRequest);
const token = 'bench-token';
const clients = {
  plain: createAdaClient({ baseUrl: apiUrl, token }),
  validating: createAdaClient({ baseUrl: apiUrl, token, validateResponses: true }),
};
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const url = `${apiUrl}/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a`;
const clientVariants = {
  'raw fetch': async () => {
    const response = await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    return response.json();
  },
  'updateEndUser (defaults)': () => clients.plain.updateEndUser('5f7e0e2c1e7c7e000f0f9c3a', seedRequest),
  'updateEndUser (validateResponses)': () => clients.validating.updateEndUser('5f7e0e2c1e7c7e000f0f9c3a', seedRequest),
  'node:http keep-alive': () =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'PATCH',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(JSON.parse(text)));
        },
      );
      req.on('error', reject);
      req.end(body);
    }),
};
// The baseline is the least a client can do: node:http with a keep-alive agent, sending the same PATCH
// and parsing the same JSON (issue #17: the kit's checks cost at most 1.3x that). Raw fetch for scale.
await compare('client, sequential', 'ms/request', 400, clientVariants, 'node:http keep-alive', { 'updateEndUser (defaults)': 1.3 });
await compare('client, 16 in flight', 'ms/request', 800, clientVariants, 'node:http keep-alive', { 'updateEndUser (defaults)': 1.3 }, 16);
api.close();
agent.destroy();

// ---------------------------------------------------------------------------------------------
// 2. Validators: the kit's (written out at generate time) vs the bare Ajv function compiled at run time

// The baseline is Ajv's function for the same schema, compiled from the same spec in this process.
const bare = compiledValidator(operations.updateEndUser!.body!.schema!);
const bigBody = { profile: { metadata: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key_${i}`, 'x'.repeat(30)])) } };
for (const [label, candidate] of [
  ['seed body', seedRequest],
  ['~10 KB metadata', bigBody],
] as const) {
  if (!bare(candidate) || !validateUpdateEndUserRequest(candidate).ok) throw new Error(`bench: ${label} should be valid`);
  await compare(
    `validator, ${label}`,
    'µs/call',
    20_000,
    {
      'bare Ajv function': () => bare(candidate),
      validateUpdateEndUserRequest: () => validateUpdateEndUserRequest(candidate),
    },
    'bare Ajv function',
    { validateUpdateEndUserRequest: 1.2 },
  );
}
for (const row of rows.filter((r) => r.unit === 'µs/call')) row.value *= 1000;

// ---------------------------------------------------------------------------------------------
// 3. Mock: start-up and throughput

async function firstAnswer(base: string) {
  for (;;) {
    try {
      const response = await fetch(`${base}/v2/end-users/x`, {
        method: 'PATCH',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
const startSamples: Record<string, number[]> = {
  'prism mock CLI': [],
  'startMock(), first in a process': [],
  'startMock(), later in a process': [],
};
// A fresh process that imports the package and starts one mock: the cold case, where the Prism host
// still has to load Prism. It prints the milliseconds from the startMock() call to the first answer.
const coldScript = `
  const { startMock } = await import(${JSON.stringify(new URL('../dist/src/testing.js', import.meta.url).href)});
  const started = performance.now();
  const mock = await startMock();
  await fetch(mock.url + '/v2/end-users/x', { method: 'PATCH', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"profile":{}}' }).then((r) => r.arrayBuffer());
  console.log(performance.now() - started);
  await mock.stop();
  process.exit(0);`;
const warm = await startMock(); // loads the host of this process once, outside the measurements
for (let round = 0; round < Math.max(3, Math.ceil(ROUNDS / 2)); round++) {
  {
    const port = 47000 + round;
    const started = performance.now();
    const cli = spawn(
      join(ROOT, 'node_modules', '.bin', 'prism'),
      ['mock', join(ROOT, 'generated', 'openapi.json'), '--errors', '-p', String(port), '-v', 'warn'],
      { stdio: 'ignore', detached: true },
    );
    while (!(await accepts(port))) await new Promise((r) => setTimeout(r, 20));
    await firstAnswer(`http://127.0.0.1:${port}`);
    startSamples['prism mock CLI']!.push(performance.now() - started);
    process.kill(-cli.pid!, 'SIGKILL');
  }
  startSamples['startMock(), first in a process']!.push(
    Number(execFileSync(process.execPath, ['--input-type=module', '-e', coldScript], { encoding: 'utf8' }).trim()),
  );
  {
    const started = performance.now();
    const mock = await startMock();
    await firstAnswer(mock.url);
    startSamples['startMock(), later in a process']!.push(performance.now() - started);
    await mock.stop();
  }
}
await warm.stop();
for (const [variant, samples] of Object.entries(startSamples)) {
  rows.push({
    group: 'mock start-up (spawn to first answer)',
    variant,
    value: median(samples),
    unit: 'ms',
    baseline: 'prism mock CLI',
    ...(variant === 'prism mock CLI' ? {} : { target: 0.6 }),
  });
}

const mock = await startMock();
const bareMock = seedServer();
const bareUrl = await listen(bareMock);
const hit = (base: string) => async () => {
  const response = await fetch(`${base}/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a`, {
    method: 'PATCH',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
};
await compare(
  'mock throughput, 8 connections',
  'ms/request',
  800,
  { 'bare node:http (the limit)': hit(bareUrl), 'startMock() (Prism)': hit(mock.url) },
  'bare node:http (the limit)',
  {},
  8,
);

// The stateful fake: the same PATCH answered by its store behind Prism's validation proxy (so two Prism
// passes, request and answer, plus the store), then with signed webhooks to a receiver on loopback.
const seededUser = spec.components.examples.EndUserSeedResponse.value;
const fake = await startMock({ stateful: true, seed: [seededUser] });
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end());
});
const receiverUrl = await listen(receiver);
const fakeWithWebhooks = await startMock({
  stateful: true,
  seed: [seededUser],
  webhooks: { url: receiverUrl, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
});
// Each PATCH changes a profile value, so that every one sends `v1.end_user.updated`.
let edition = 0;
const patchChanging = (base: string) => async () => {
  const response = await fetch(`${base}/v2/end-users/5f7e0e2c1e7c7e000f0f9c3a`, {
    method: 'PATCH',
    headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
    body: JSON.stringify({ profile: { first_name: `Ada ${edition++}` } }),
  });
  await response.arrayBuffer();
};
const fakeVariants = {
  'startMock() (Prism)': hit(mock.url),
  'startMock({ stateful: true })': hit(fake.url),
  'stateful, a webhook per PATCH': patchChanging(fakeWithWebhooks.url),
};
await compare('fake PATCH throughput, 8 connections', 'ms/request', 800, fakeVariants, 'startMock() (Prism)', {}, 8);
await compare('fake PATCH latency, sequential', 'ms/request', 400, fakeVariants, 'startMock() (Prism)');
await fakeWithWebhooks.webhooksSettled();
if (fakeWithWebhooks.webhookFailures.length > 0) throw new Error('bench: a webhook delivery failed');
await Promise.all([fake.stop(), fakeWithWebhooks.stop()]);
receiver.close();
await mock.stop();
bareMock.close();

// ---------------------------------------------------------------------------------------------
// 4. The fake's store: seeding and creating, indexed by id and case-folded external_id (a scan made
// seeding with external_ids quadratic: 20,000 took 15 s)

const { EndUserStore } = await dist<typeof import('../src/fake/store.js')>('fake/store');
const SEEDED = 20_000;
const seedOf = (withExternalIds: boolean) =>
  Array.from({ length: SEEDED }, (_, i) => ({
    end_user_id: `u${i}`,
    ...(withExternalIds ? { external_id: `CRM-${i}` } : {}),
    profile: { first_name: 'Ada' },
  }));
const [plainSeed, externalSeed] = [seedOf(false), seedOf(true)];
await compare(
  `fake store, seeding ${SEEDED.toLocaleString('en')} end users`,
  'ms/seed',
  1,
  { 'without external_id': () => new EndUserStore({}, plainSeed), 'with external_id': () => new EndUserStore({}, externalSeed) },
  'without external_id',
  { 'with external_id': 2 },
);
const full = new EndUserStore({}, externalSeed);
const empty = new EndUserStore();
let created = 0;
await compare(
  'fake store, a create with an external_id',
  'µs/create',
  2_000,
  {
    'into an empty store': () => empty.create({ external_id: `new-${created++}`, profile: {} }),
    [`into a store of ${SEEDED.toLocaleString('en')}`]: () => full.create({ external_id: `new-${created++}`, profile: {} }),
  },
  'into an empty store',
  { [`into a store of ${SEEDED.toLocaleString('en')}`]: 2 },
);
for (const row of rows.filter((r) => r.unit === 'µs/create')) row.value *= 1000;

// ---------------------------------------------------------------------------------------------
// 5. The root entry as a consumer ships it (#18): its bundle (esbuild, minified, gzipped) and a fresh
// process's time from import to its first validated answer, each against openapi-fetch alone.

const { build } = await import('esbuild');
const { gzipSync } = await import('node:zlib');
const bundleKb = async (contents: string) => {
  const out = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(out.outputFiles[0]!.contents).length / 1024;
};
rows.push(
  {
    group: 'root entry bundle (esbuild, minified, gzipped)',
    variant: 'openapi-fetch alone',
    value: await bundleKb("export { default } from 'openapi-fetch';"),
    unit: 'KB',
    baseline: 'openapi-fetch alone',
  },
  {
    group: 'root entry bundle (esbuild, minified, gzipped)',
    variant: 'ada-end-users-contract',
    value: await bundleKb(`export * from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};`),
    unit: 'KB',
    baseline: 'openapi-fetch alone',
  },
);
const answering = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(seedResponse));
});
await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
const answeringUrl = `http://127.0.0.1:${(answering.address() as { port: number }).port}`;
// A fresh process each: the milliseconds from its first import to the first answer it has checked.
const firstAnswerScripts = {
  'openapi-fetch alone': `
    const started = performance.now();
    const { default: createClient } = await import('openapi-fetch');
    const client = createClient({ baseUrl: ${JSON.stringify(answeringUrl)} });
    await client.PATCH('/v2/end-users/{end_user_id}', { params: { path: { end_user_id: 'x' } }, body: { profile: {} } });
    console.log(performance.now() - started);`,
  'ada-end-users-contract (validated)': `
    const started = performance.now();
    const { createAdaClient } = await import(${JSON.stringify(new URL('../dist/src/index.js', import.meta.url).href)});
    const ada = createAdaClient({ baseUrl: ${JSON.stringify(answeringUrl)}, token: 't', validateResponses: true });
    await ada.updateEndUser('x', { profile: {} });
    console.log(performance.now() - started);`,
};
const importToAnswer: Record<string, number[]> = { 'openapi-fetch alone': [], 'ada-end-users-contract (validated)': [] };
for (let round = 0; round < Math.max(3, ROUNDS); round++) {
  for (const [variant, script] of Object.entries(firstAnswerScripts)) {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve({ stdout: out }) : reject(new Error(`bench: ${variant} exited ${code}`))));
    });
    importToAnswer[variant]!.push(Number(stdout.trim()));
  }
}
answering.close();
for (const [variant, samples] of Object.entries(importToAnswer)) {
  rows.push({
    group: 'import to first answer (fresh process)',
    variant,
    value: median(samples),
    unit: 'ms',
    baseline: 'openapi-fetch alone',
  });
}

// ---------------------------------------------------------------------------------------------
// 6. Pipeline: each CI step once, wall time

const pipeline: Array<[string, number]> = [];
if (process.env.BENCH_SKIP_PIPELINE !== '1') {
  for (const script of ['lint', 'check:generated', 'typecheck', 'check:breaking', 'test', 'test:consumer', 'test:docs']) {
    const started = performance.now();
    let ok = true;
    try {
      execFileSync('npm', ['run', '-s', script], { cwd: ROOT, stdio: 'pipe', maxBuffer: 256 * 1024 * 1024 });
    } catch (error) {
      ok = false;
      // A failed step is timed all the same; what failed is shown, so that a rare failure can be found.
      const { stdout = '', stderr = '' } = error as { stdout?: Buffer | string; stderr?: Buffer | string };
      const tail = `${stdout}${stderr}`.split('\n').filter((line) => /×|FAIL|Error|expected/.test(line));
      console.error(`bench: npm run ${script} failed:\n${tail.slice(0, 40).join('\n')}`);
    }
    pipeline.push([`npm run ${script}${ok ? '' : ' (failed)'}`, (performance.now() - started) / 1000]);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const format = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3));
const lines = ['| benchmark | variant | median | ratio to baseline | target | met |', '| --- | --- | --- | --- | --- | --- |'];
for (const row of rows) {
  const base = rows.find((r) => r.group === row.group && r.variant === row.baseline)!;
  const ratio = row.value / base.value;
  const met = row.target === undefined ? '' : ratio <= row.target ? 'yes' : 'no';
  lines.push(
    `| ${row.group} | ${row.variant}${row.variant === row.baseline ? ' (baseline)' : ''} | ${format(row.value)} ${row.unit} | ${ratio.toFixed(2)}x | ${row.target ? `<= ${row.target}x` : ''} | ${met} |`,
  );
}
if (pipeline.length > 0) {
  lines.push('', '| CI step | wall time |', '| --- | --- |', ...pipeline.map(([step, s]) => `| ${step} | ${s.toFixed(1)} s |`));
  const test = pipeline.find(([step]) => step === 'npm run test');
  if (test) lines.push('', `\`npm test\` target: under 30 s wall; measured ${test[1].toFixed(1)} s: ${test[1] < 30 ? 'met' : 'not met'}.`);
}
const table = lines.join('\n');
console.log(table);
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ` +
    `${ROUNDS} interleaved rounds after a warm-up, medians. Ratios are against the baseline of the same group, run in the same process.`,
  '',
].join('\n');
const notes = readFileSync(join(ROOT, 'bench', 'notes.md'), 'utf8');
writeFileSync(join(ROOT, 'bench', 'RESULTS.md'), `${header}\n${table}\n\n${notes}`);
process.exit(0);
