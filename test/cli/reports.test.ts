// The reports verify and check-breaking write for CI (--format json|junit, --output FILE), judged by
// others than the kit: every JSON report by its shipped schema (report.schema.json, through Ajv), every
// JUnit report by libxml2 (xmllint-wasm) against the Apache Ant JUnit schema, the strictest in common use,
// and read back by junit2json (xml2js, the parser GitHub's test reporters use). verify runs in process
// against local providers on 127.0.0.1 that drift from the contract.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseJunit, type TestSuites } from 'junit2json';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { main } from '../../src/cli/main.js';
import { junit, type Report } from '../../src/cli/report.js';
import type { Json } from '../../src/contract/json-pointer.js';
import { GIVEN_END_USER_ID, providerFactory, VERIFY_TOKEN } from '../helpers/providers.js';

const root = join(import.meta.dirname, '..', '..');
const bundled = readFileSync(join(root, 'generated', 'openapi.json'), 'utf8');
const schema = JSON.parse(readFileSync(join(root, 'src', 'cli', 'report.schema.json'), 'utf8'));
const xsd = readFileSync(join(root, 'test', 'fixtures', 'JUnit.xsd'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'ada-reports-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());
const provider = providerFactory();

const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
const validReport = ajv.compile(schema);

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function specFile(name: string, change: (spec: Json) => void = () => {}): string {
  const spec = JSON.parse(bundled);
  change(spec);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

/** The report as its schema judges it: the errors, or the report. */
function jsonReport(text: string): Report {
  const report = JSON.parse(text);
  expect(validReport(report) ? [] : validReport.errors).toEqual([]);
  return report;
}

/** The XML as libxml2 judges it against the Ant schema, then as junit2json reads it. */
async function junitReport(xml: string): Promise<TestSuites> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [xsd] });
  expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
  const parsed = await parseJunit(xml);
  if (!parsed || !('testsuite' in parsed)) throw new Error(`junit2json read no <testsuites>: ${xml.slice(0, 200)}`);
  return parsed as TestSuites;
}

const cases = (suites: TestSuites) => (suites.testsuite ?? []).flatMap((suite) => suite.testcase ?? []);

const removeExternalId = (spec: Json) => delete spec.components.schemas.EndUser.properties.external_id;

describe('check-breaking reports', () => {
  it('--format junit: a testcase per change; a breaking one fails with what, where and its operation; Ant-valid', async () => {
    const base = specFile('base');
    const head = specFile('head', (spec) => {
      removeExternalId(spec);
      spec.paths['/v2/end-users/{end_user_id}'].get.responses['418'] = { description: 'new' };
    });
    const { code, out, err } = await cli('check-breaking', '--base', base, '--head', head, '--format', 'junit');
    expect(code).toBe(1);
    // The report is stdout; the text lines went to stderr.
    expect(err).toMatch(/^✗ GET \/v2\/end-users\/\{end_user_id\} response 200 \/external_id: property removed$/m);
    const suites = await junitReport(out);
    const all = cases(suites);
    const removed = all.find((c) => c.name === 'GET /v2/end-users/{end_user_id} response 200 /external_id');
    expect(removed).toMatchObject({ classname: 'GET /v2/end-users/{end_user_id}' });
    expect(removed?.failure?.[0]).toMatchObject({ message: 'property removed', type: 'breaking' });
    expect(removed?.failure?.[0]?.inner).toBe('property removed\n\nwhere: GET /v2/end-users/{end_user_id} response 200 /external_id');
    const added = all.find((c) => c.name === 'GET /v2/end-users/{end_user_id} response 418');
    expect(added).toBeDefined();
    expect(added?.failure).toBeUndefined();
    expect(all.filter((c) => c.failure).length).toBe(all.length - 1);
    const failures = (suites.testsuite ?? []).reduce((sum, suite) => sum + (suite.failures ?? 0), 0);
    expect(failures).toBe(all.length - 1);
  });

  it('a difference it cannot judge is a JUnit error (no verdict), a skipped case only with --allow-unknown', async () => {
    const base = specFile('base');
    const head = specFile('odd', (spec) => {
      spec['x-unknown'] = true;
    });
    const strict = await junitReport((await cli('check-breaking', '--base', base, '--head', head, '--format', 'junit')).out);
    expect(cases(strict)).toEqual([
      expect.objectContaining({ name: '#/x-unknown', error: [expect.objectContaining({ type: 'unjudged' })] }),
    ]);
    const allowed = await cli('check-breaking', '--base', base, '--head', head, '--format', 'junit', '--allow-unknown');
    expect(allowed.code).toBe(0);
    const lenient = await junitReport(allowed.out);
    expect(cases(lenient)).toEqual([expect.objectContaining({ name: '#/x-unknown', skipped: [expect.anything()] })]);
    expect(lenient.testsuite?.[0]).toMatchObject({ errors: 0, skipped: 1 });
  });

  it('no differences: one passing testcase (reporters read an empty report as none), exit 0', async () => {
    const base = specFile('base');
    const { code, out } = await cli('check-breaking', '--base', base, '--head', base, '--format', 'junit');
    expect(code).toBe(0);
    const all = cases(await junitReport(out));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ name: `no breaking changes against ${base} (0 safe changes)` });
    expect(all[0]?.failure ?? all[0]?.error ?? all[0]?.skipped).toBeUndefined();
  });

  it('--format json --output FILE: the schema’s report in the file, the text on stdout as always', async () => {
    const base = specFile('base');
    const head = specFile('head', removeExternalId);
    const output = join(work, 'breaking.json');
    const { code, out } = await cli('check-breaking', '--base', base, '--head', head, '--format', 'json', '--output', output);
    expect(code).toBe(1);
    expect(out).toMatch(/^5 breaking changes against /m);
    const report = jsonReport(readFileSync(output, 'utf8'));
    expect(report).toMatchObject({
      reportVersion: '1.0.0',
      tool: { name: 'ada-end-users-contract' },
      command: 'check-breaking',
      verdict: 'fail',
      exitCode: 1,
      summary: out.split('\n').at(-1),
      checkBreaking: { base, head, baseVersion: JSON.parse(bundled).info.version, allowUnknown: false },
    });
    expect(report.checks.filter((c) => c.outcome === 'failed')).toHaveLength(5);
    expect(report.checks[0]).toEqual({
      name: 'GET /v2/end-users/ response 200 /oneOf[0]/data/[]/external_id',
      group: 'GET /v2/end-users/',
      outcome: 'failed',
      change: 'property removed',
    });
  });

  it('--output FILE with the text format: the file holds the lines stdout printed', async () => {
    const base = specFile('base');
    const head = specFile('head', removeExternalId);
    const output = join(work, 'breaking.txt');
    const { code, out } = await cli('check-breaking', '--base', base, '--head', head, '--output', output);
    expect(code).toBe(1);
    expect(readFileSync(output, 'utf8')).toBe(`${out}\n`);
  });

  it('--format json without --output: stdout is the JSON alone', async () => {
    const base = specFile('base');
    const { code, out, err } = await cli('check-breaking', '--base', base, '--head', base, '--format', 'json');
    expect(code).toBe(0);
    expect(jsonReport(out)).toMatchObject({ verdict: 'pass', checks: [] });
    expect(err).toBe(`no breaking changes against ${base} (0 safe changes)`);
  });

  it('under GITHUB_ACTIONS=true: an ::error annotation per breaking change, ::warning for an allowed unknown', async () => {
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const base = specFile('base');
    const head = specFile('head', (spec) => {
      removeExternalId(spec);
      spec['x-unknown'] = true;
    });
    const { out } = await cli('check-breaking', '--base', base, '--head', head, '--allow-unknown');
    const annotations = out.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toHaveLength(6);
    expect(annotations).toContain(
      '::error title=check-breaking%3A GET /v2/end-users/{end_user_id}::GET /v2/end-users/{end_user_id} response 200 /external_id: property removed',
    );
    expect(annotations).toContain(
      '::warning title=check-breaking%3A cannot judge::#/x-unknown: cannot judge: a difference this checker does not understand; judge it yourself',
    );
    vi.stubEnv('GITHUB_ACTIONS', 'false');
    expect((await cli('check-breaking', '--base', base, '--head', head, '--allow-unknown')).out).not.toMatch(/^::/m);
  });

  it('a bad --format or an empty --output: a usage error (2) naming the flag', async () => {
    const base = specFile('base');
    expect(await cli('check-breaking', '--base', base, '--format', 'xml')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^ada-end-users-contract check-breaking: --format must be text or json or junit, got "xml"\n/),
    });
    expect(await cli('check-breaking', '--base', base, '--output', '')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^ada-end-users-contract check-breaking: --output must name a file\n/),
    });
    // A missing folder is made; a path through a file cannot be.
    const nested = join(work, 'made', 'for', 'it', 'r.json');
    expect((await cli('check-breaking', '--base', base, '--head', base, '--format', 'json', '--output', nested)).code).toBe(0);
    expect(jsonReport(readFileSync(nested, 'utf8')).verdict).toBe('pass');
    expect(await cli('check-breaking', '--base', base, '--output', join(base, 'r.xml'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(
        /^ada-end-users-contract check-breaking: could not write the report to .*r\.xml: .*base\.json is not a folder$/,
      ),
    });
  });
});

describe('JUnit for what no name should break', () => {
  it('markup, quotes, newlines and control characters in names and messages stay text, and Ant-valid', async () => {
    const hostile = 'a <b> & "c" \'d\'\nline\u0001 ]]> %0A';
    const report: Report = {
      reportVersion: '1.0.0',
      tool: { name: 'ada-end-users-contract', version: '0.0.0' },
      command: 'verify',
      verdict: 'fail',
      exitCode: 1,
      summary: hostile,
      startedAt: '2026-01-02T03:04:05.678Z',
      durationMs: 1,
      checks: [
        {
          name: hostile,
          group: hostile,
          outcome: 'failed',
          status: 200,
          violations: [{ request: hostile, in: 'response', path: '/x', rule: 'type', message: hostile }],
        },
      ],
    };
    const suites = await junitReport(junit(report));
    const [only] = cases(suites);
    expect(only?.name).toBe(hostile.replace('\u0001', '\uFFFD'));
    expect(only?.failure?.[0]?.message).toBe(`response /x type: ${hostile.replace('\u0001', '\uFFFD')}`);
    expect(only?.failure?.[0]?.inner).toContain(`status: 200`);
  });
});

describe('verify reports', () => {
  const verifyArgs = (url: string, ...more: string[]) => [
    'verify',
    '--base-url',
    url,
    '--token',
    VERIFY_TOKEN,
    '--end-user-id',
    GIVEN_END_USER_ID,
    '--interval-ms',
    '0',
    '--seed',
    '7',
    ...more,
  ];

  it('a drifting provider: JUnit with a testcase per request, failures naming rule, operation and request; JSON with the same checks', {
    timeout: 120_000,
  }, async () => {
    const server = await provider('wrong-type');
    const xmlFile = join(work, 'verify.xml');
    const junitRun = await cli(...verifyArgs(server.url, '--format', 'junit', '--output', xmlFile));
    expect(junitRun.code).toBe(1);
    const xml = readFileSync(xmlFile, 'utf8');
    expect(xml).not.toContain(VERIFY_TOKEN);
    const suites = await junitReport(xml);
    const all = cases(suites);
    const given = all.find((c) => c.name === 'getEndUser: the given end user');
    expect(given).toMatchObject({ classname: 'getEndUser' });
    expect(given?.failure?.[0]).toMatchObject({
      type: 'type',
      message: 'response /end_user_id type: Response body property end_user_id must be string (status 200)',
    });
    expect(given?.failure?.[0]?.inner).toMatch(/operation: getEndUser\nrequest: getEndUser: the given end user\nstatus: 200/);
    expect(all.some((c) => !c.failure && !c.error)).toBe(true);
    expect((suites.testsuite ?? []).map((s) => s.name)).toContain('verify: updateEndUser');
    // The text report still printed every violation, and its summary.
    expect(junitRun.out).toMatch(
      /^✗ getEndUser: the given end user: response \/end_user_id type: Response body property end_user_id must be string \(status 200\)$/m,
    );

    server.reset();
    const jsonRun = await cli(...verifyArgs(server.url, '--format', 'json'));
    expect(jsonRun.code).toBe(1);
    const report = jsonReport(jsonRun.out);
    expect(report).toMatchObject({ command: 'verify', verdict: 'fail', exitCode: 1, verify: { baseUrl: server.url, seed: 7 } });
    // The same checks, one per request (JUnit groups them by operation).
    expect(report.checks.map((c) => c.name).sort()).toEqual(all.map((c) => c.name).sort());
    expect(new Set(report.checks.map((c) => c.name)).size).toBe(report.checks.length);
    const page2 = report.checks.find((c) => c.name === 'listEndUsers: page 2 (limit 1)');
    expect(page2?.violations?.map((v) => v.rule)).toEqual(expect.arrayContaining(['type', 'unique']));
    expect(report.summary).toBe(jsonRun.err.split('\n').find((line) => line.startsWith('verified ')));
  });

  it('checks it could not judge are JUnit errors, and the run is no verdict (exit 2)', { timeout: 120_000 }, async () => {
    const server = await provider('single-page');
    const { code, out } = await cli(...verifyArgs(server.url, '--format', 'junit'));
    expect(code).toBe(2);
    const all = cases(await junitReport(out));
    expect(all.find((c) => c.name === 'listEndUsers: pages')?.error?.[0]).toMatchObject({ type: 'unjudged' });
    expect(all.filter((c) => c.failure)).toEqual([]);
  });

  it('a setup problem still writes its report: no verdict and why, without the token', { timeout: 60_000 }, async () => {
    const server = await provider('refuses-token');
    const output = join(work, 'setup.json');
    const { code, err } = await cli(...verifyArgs(server.url, '--format', 'json', '--output', output));
    expect(code).toBe(2);
    expect(err).toMatch(/the provider refused the token \(401\)/);
    const text = readFileSync(output, 'utf8');
    expect(text).not.toContain(VERIFY_TOKEN);
    expect(jsonReport(text)).toMatchObject({
      verdict: 'no-verdict',
      exitCode: 2,
      error: expect.stringMatching(/the provider refused the token \(401\)/),
      checks: [],
    });
    const xml = join(work, 'setup.xml');
    await cli(...verifyArgs('http://127.0.0.1:9', '--format', 'junit', '--output', xml));
    const [setup] = cases(await junitReport(readFileSync(xml, 'utf8')));
    expect(setup).toMatchObject({
      name: 'verify: setup',
      error: [expect.objectContaining({ message: expect.stringMatching(/^cannot judge: cannot reach http:\/\/127\.0\.0\.1:9/) })],
    });
  });

  it('under GITHUB_ACTIONS=true: an ::error annotation per failed request', { timeout: 120_000 }, async () => {
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const server = await provider('wrong-type');
    const { out } = await cli(...verifyArgs(server.url));
    expect(out).toMatch(
      /^::error title=verify%3A getEndUser::getEndUser: the given end user: response \/end_user_id type: Response body property end_user_id must be string \(status 200\)$/m,
    );
    expect(out).not.toContain(VERIFY_TOKEN);
  });
});
