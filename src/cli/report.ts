// The reports CI systems read, for verify and check-breaking: one model (a list of checks, each passed,
// failed or unjudged, and a verdict), written as text (what the commands always printed), JSON (the shape
// report.schema.json documents, beside this file and exported as `ada-end-users-contract/report.schema.json`)
// or JUnit XML (the Apache Ant schema, the strictest that Jenkins, GitLab and GitHub's reporters read).
// Fail closed: an unjudged check is a JUnit <error> (no verdict), never <skipped>, unless --allow-unknown
// said it may pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Comparison } from '../breaking/index.js';
import { operations } from '../contract/operations.js';
import { describeViolation, type RequestResult, type Violation } from '../verify/report.js';
import { type Io, oneOf, UsageError } from './command.js';
import { BIN, packageVersion } from './version.js';

/** The report format's version: a new optional field is a minor, anything else a major (report.schema.json's `$id` names the major). */
export const REPORT_VERSION = '1.0.0';

export type Outcome = 'passed' | 'failed' | 'unjudged';

export interface ReportCheck {
  /** The request (`updateEndUser: example "seed"`), or where the contract changed. */
  name: string;
  /** The operation it exercises (`updateEndUser`), `webhooks`, or `run`; check-breaking: `PATCH /v2/end-users/{end_user_id}`, `contract`. */
  group: string;
  outcome: Outcome;
  /** verify: the provider's status. */
  status?: number;
  /** verify: how long the answer took (ms). */
  durationMs?: number;
  /** verify: every violation this check found (empty when it passed). */
  violations?: Violation[];
  /** check-breaking: what changed. */
  change?: string;
  /** Why it could not be judged; with `allowed`, why that does not fail the run. */
  reason?: string;
  /** check-breaking --allow-unknown: an unjudged difference that does not fail the run. */
  allowed?: boolean;
}

export interface Report {
  reportVersion: string;
  tool: { name: string; version: string };
  command: 'verify' | 'check-breaking';
  /** pass (exit 0), fail (exit 1: violations or breaking changes), no-verdict (exit 2). */
  verdict: 'pass' | 'fail' | 'no-verdict';
  exitCode: 0 | 1 | 2;
  /** The one line the text report ends with. */
  summary: string;
  startedAt: string;
  durationMs: number;
  /** Why there is no verdict, when the run could not be made at all (a setup problem). */
  error?: string;
  checks: ReportCheck[];
  verify?: {
    baseUrl: string;
    /** The contract version the provider was held to. */
    contract: string;
    /** verify --seed replays the run (absent where it never started). */
    seed?: number;
    requests: number;
    operations: string[];
    rulesChecked: number;
    rulesTotal: number;
    stopped?: string;
    webhooks?: { url: string; received: number; ignored: number };
  };
  checkBreaking?: {
    base: string;
    head: string;
    /** Contract versions, as each spec's info.version says. */
    baseVersion?: string;
    headVersion?: string;
    allowUnknown: boolean;
  };
}

const VERDICTS = { 0: 'pass', 1: 'fail', 2: 'no-verdict' } as const;

/** A report: the run's own parts, and the tool, its version, the verdict of the exit code, and the time taken. */
export function createReport(
  parts: Pick<Report, 'command' | 'exitCode' | 'summary' | 'checks' | 'error' | 'verify' | 'checkBreaking'>,
  startedAt: Date,
): Report {
  return {
    reportVersion: REPORT_VERSION,
    tool: { name: BIN, version: packageVersion() },
    command: parts.command,
    verdict: VERDICTS[parts.exitCode],
    exitCode: parts.exitCode,
    summary: parts.summary,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    ...(parts.error === undefined ? {} : { error: parts.error }),
    checks: parts.checks,
    ...(parts.verify === undefined ? {} : { verify: parts.verify }),
    ...(parts.checkBreaking === undefined ? {} : { checkBreaking: parts.checkBreaking }),
  };
}

/**
 * verify's checks: one per request (a finding about what its answers say together joins the request's
 * check), grouped by the operation its request names (labels begin with it).
 */
export function verifyChecks(results: readonly RequestResult[]): ReportCheck[] {
  const byRequest = new Map<string, ReportCheck>();
  for (const result of results) {
    const prefix = result.request.split(':')[0] ?? '';
    const check = byRequest.get(result.request) ?? {
      name: result.request,
      group: Object.hasOwn(operations, prefix) ? prefix : result.request.startsWith('webhook') ? 'webhooks' : 'run',
      outcome: 'passed',
      violations: [],
    };
    byRequest.set(result.request, check);
    check.violations!.push(...result.violations);
    if (check.status === undefined && result.status !== undefined) check.status = result.status;
    if (result.durationMs !== undefined) check.durationMs = (check.durationMs ?? 0) + result.durationMs;
    if (result.unjudged !== undefined) check.reason = result.unjudged;
    check.outcome = check.violations!.length > 0 ? 'failed' : check.reason !== undefined ? 'unjudged' : 'passed';
  }
  return [...byRequest.values()];
}

/** check-breaking's checks: one per change (breaking: failed), one per difference it cannot judge. */
export function comparisonChecks(comparison: Comparison, allowUnknown: boolean): ReportCheck[] {
  // `PATCH /v2/end-users/{end_user_id} request body /x` -> its operation; `webhook v1.end_user.created (POST) …`
  // -> its webhook; a path removed or added -> the path; anything else (servers, the body limit) -> `contract`.
  const groupOf = (where: string) => /^(webhook \S+ \(\w+\)|[A-Z]+ \/\S*|\/\S*)/.exec(where)?.[1] ?? 'contract';
  return [
    ...comparison.changes.map(
      (change): ReportCheck => ({
        name: change.where,
        group: groupOf(change.where),
        outcome: change.breaking ? 'failed' : 'passed',
        change: change.what,
      }),
    ),
    ...comparison.cannotJudge.map(
      (pointer): ReportCheck => ({
        name: pointer,
        group: 'cannot judge',
        outcome: 'unjudged',
        reason: 'a difference this checker does not understand; judge it yourself',
        ...(allowUnknown ? { allowed: true } : {}),
      }),
    ),
  ];
}

export type ReportFormat = 'text' | 'json' | 'junit';

/** The --format and --output flags both commands take, checked. */
export function reportFlags(format: string | undefined, output: string | undefined): { format: ReportFormat; output?: string } {
  const chosen = oneOf('format', format, ['text', 'json', 'junit'], 'text');
  if (output === '') throw new UsageError('--output must name a file');
  return { format: chosen, ...(output === undefined ? {} : { output }) };
}

/**
 * Where each part goes. The report goes to --output, else to stdout; the text lines go to stdout unless
 * the report took it, then to stderr (so `--format json > report.json` stays JSON).
 */
function linesStream(flags: { format: ReportFormat; output?: string }, io: Io): (text: string) => void {
  return flags.output === undefined && flags.format !== 'text' ? io.err : io.out;
}

/**
 * The text report as it goes: `say` prints a line (redacted) where the text lines go and keeps it, for
 * a text report written to --output.
 */
export function textReport(
  flags: { format: ReportFormat; output?: string },
  io: Io,
  redact: (text: string) => string = (text) => text,
): { say: (text: string) => void; said: string[] } {
  const said: string[] = [];
  const lines = linesStream(flags, io);
  return {
    said,
    say(text) {
      said.push(text);
      lines(redact(text));
    },
  };
}

/**
 * Writes the report where --format and --output say (text needs nothing more unless --output names a
 * file) and, under GitHub Actions, one annotation per failed or unjudged check. `redact` is applied to
 * every string first: no report carries the token.
 */
export function emitReport(
  report: Report,
  flags: { format: ReportFormat; output?: string },
  io: Io,
  textLines: readonly string[],
  redact: (text: string) => string = (text) => text,
): void {
  const safe = redactDeep(report, redact);
  const lines = linesStream(flags, io);
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of annotations(safe)) lines(line);
  if (flags.format === 'text' && flags.output === undefined) return;
  const body =
    flags.format === 'json'
      ? `${JSON.stringify(safe, null, 2)}\n`
      : flags.format === 'junit'
        ? junit(safe)
        : `${textLines.map(redact).join('\n')}\n`;
  if (flags.output === undefined) {
    io.out(body.replace(/\n$/, ''));
    return;
  }
  try {
    // A CI step names reports/x.xml before anything made reports/.
    mkdirSync(dirname(flags.output), { recursive: true });
    writeFileSync(flags.output, body);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = code === 'EEXIST' || code === 'ENOTDIR' ? `${dirname(flags.output)} is not a folder` : (code ?? message);
    throw new Error(`could not write the report to ${flags.output}: ${reason}`);
  }
}

function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)])) as T;
  }
  return value;
}

/** The one-line text of a check's first finding, as the text report prints it. */
function firstLine(check: ReportCheck): string {
  const violation = check.violations?.[0];
  if (violation) return describeViolation(violation);
  if (check.outcome === 'unjudged') return `cannot judge: ${check.reason ?? ''}`;
  return check.change ?? '';
}

/** Every line of what a check found (each violation, or the change, or why it could not be judged), and where. */
function details(check: ReportCheck, command: Report['command']): string {
  const found = (check.violations ?? []).map(describeViolation);
  const where =
    command === 'verify'
      ? [`operation: ${check.group}`, `request: ${check.name}`, ...(check.status === undefined ? [] : [`status: ${check.status}`])]
      : [`where: ${check.name}`];
  return [
    ...found,
    ...(check.change === undefined ? [] : [check.change]),
    ...(check.reason === undefined ? [] : [`cannot judge: ${check.reason}`]),
    '',
    ...where,
  ].join('\n');
}

// ---- GitHub Actions ----------------------------------------------------------------------------------

/** `::error title=…::message` per failed or unjudged check (a `::warning` for an allowed unknown). */
export function annotations(report: Report): string[] {
  const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines: string[] = [];
  for (const check of report.checks) {
    if (check.outcome === 'passed') continue;
    const level = check.allowed ? 'warning' : 'error';
    const title = `${report.command}: ${check.group}`;
    lines.push(`::${level} title=${escapeProperty(title)}::${escapeData(`${check.name}: ${firstLine(check)}`)}`);
  }
  if (report.error !== undefined) lines.push(`::error title=${escapeProperty(report.command)}::${escapeData(report.error)}`);
  return lines;
}

// ---- JUnit XML ---------------------------------------------------------------------------------------

/** Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF): replaced before escaping. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to replace
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlText = (text: string) => text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlAttribute = (text: string) =>
  xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

/**
 * One <testsuite> per group (an operation), one <testcase> per check: classname the operation, name the
 * request. A failure's message is its first finding; its text every finding, the operation and the
 * request (GitLab shows the text, not the message). Unjudged: <error>; allowed unknowns: <skipped>.
 */
export function junit(report: Report): string {
  const groups = new Map<string, ReportCheck[]>();
  for (const check of report.checks) groups.set(check.group, [...(groups.get(check.group) ?? []), check]);
  if (report.checks.length === 0 && report.error === undefined) {
    // Nothing differed (or nothing was checked): one case saying so, since reporters read no cases as no report.
    groups.set(report.command, [
      {
        name: report.summary,
        group: report.command,
        ...(report.verdict === 'pass' ? { outcome: 'passed' } : { outcome: 'unjudged', reason: report.summary }),
      },
    ]);
  }
  if (report.error !== undefined) {
    groups.set('setup', [{ name: `${report.command}: setup`, group: 'setup', outcome: 'unjudged', reason: report.error }]);
  }
  // The Ant schema: a timestamp without a zone.
  const timestamp = report.startedAt.replace(/\.\d+Z$|Z$/, '');
  const properties = [
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['reportVersion', report.reportVersion],
    ['verdict', report.verdict],
    ['summary', report.summary],
    ...Object.entries(report.verify ?? report.checkBreaking ?? {})
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      .map(([key, value]) => [key, String(value)]),
  ];
  const host = xmlAttribute(hostname() || 'localhost');
  const suites = [...groups].map(([group, checks], id) => {
    const count = (outcome: Outcome, allowed = false) =>
      checks.filter((c) => c.outcome === outcome && Boolean(c.allowed) === allowed).length;
    const time = checks.reduce((sum, check) => sum + (check.durationMs ?? 0), 0);
    const cases = checks.map((check) => {
      const open = `    <testcase name="${xmlAttribute(check.name)}" classname="${xmlAttribute(group)}" time="${seconds(check.durationMs)}"`;
      if (check.outcome === 'passed') return `${open}/>`;
      const element = check.outcome === 'failed' ? 'failure' : check.allowed ? 'skipped' : 'error';
      const type =
        check.outcome === 'failed'
          ? ` type="${xmlAttribute(check.violations?.[0]?.rule ?? (check.change ? 'breaking' : 'failed'))}"`
          : element === 'error'
            ? ' type="unjudged"'
            : '';
      return `${open}>\n      <${element} message="${xmlAttribute(firstLine(check))}"${type}>${xmlText(details(check, report.command))}</${element}>\n    </testcase>`;
    });
    return [
      `  <testsuite id="${id}" package="${xmlAttribute(report.tool.name)}" name="${xmlAttribute(`${report.command}: ${group}`)}" timestamp="${timestamp}" hostname="${host}" tests="${checks.length}" failures="${count('failed')}" errors="${count('unjudged')}" skipped="${count('unjudged', true)}" time="${seconds(time)}">`,
      `    <properties>`,
      ...properties.map(([name, value]) => `      <property name="${xmlAttribute(name!)}" value="${xmlAttribute(value!)}"/>`),
      `    </properties>`,
      ...cases,
      `    <system-out/>`,
      `    <system-err/>`,
      `  </testsuite>`,
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
