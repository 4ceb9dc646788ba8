// `check-breaking --base FILE|GIT_REF [--head FILE|GIT_REF] [--allow-unknown] [--format text|json|junit]
// [--output FILE]`: the breaking-change
// checker (src/breaking/) on two specs, in any repository. A consumer compares the contract it was built
// against (a copy of `ada-end-users-contract/openapi.json`) with the installed package's (the default
// head); a git ref reads the head file's path at that ref. Exit 1 naming each change that breaks
// consumers and each difference it cannot judge (with --allow-unknown those print but do not fail).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Comparison, compareSpecs } from '../breaking/index.js';
import { bundledSpecPath } from '../contract/spec-file.js';
import { type Command, flags, type Io, UsageError } from './command.js';
import { comparisonChecks, createReport, emitReport, type ReportFormat, reportFlags, textReport } from './report.js';

const USAGE =
  'usage: ada-end-users-contract check-breaking --base FILE|GIT_REF [--head FILE|GIT_REF] [--allow-unknown]\n' +
  '                                             [--format text|json|junit] [--output FILE]';

export const checkBreakingCommand: Command = {
  summary: 'compare two contracts; exit 1 on a change that breaks consumers, or one it cannot judge',
  usage: [
    USAGE,
    '  --base FILE|GIT_REF  the contract consumers were built against (JSON, or YAML with the yaml package installed)',
    '  --head FILE|GIT_REF  the newer one (default: this package’s own, its openapi.json); a GIT_REF reads',
    '                       the head file’s path at that ref of the repository it is in',
    '  --allow-unknown      print what it cannot judge without failing on it',
    '  --format             text (default), json (report.schema.json) or junit (JUnit XML: a testcase per change)',
    '  --output FILE        write the report there (default: stdout, the text lines then go to stderr)',
    '  Exit 0: no breaking change; 1: breaking changes, or differences it cannot judge; 2: bad arguments.',
  ].join('\n'),
  async run(argv, io) {
    const given = flags(argv, {
      base: { type: 'string' },
      head: { type: 'string' },
      'allow-unknown': { type: 'boolean' },
      format: { type: 'string' },
      output: { type: 'string' },
    });
    const report = reportFlags(given.format, given.output);
    if (given.base === undefined) throw new UsageError('--base is required');
    const headFile = given.head === undefined ? fileURLToPath(bundledSpecPath) : existsSync(given.head) ? given.head : undefined;
    const head = await (headFile ? readSpecFile(headFile) : readAtRef(given.head!, undefined));
    const base = await (existsSync(given.base) ? readSpecFile(given.base) : readAtRef(given.base, headFile));
    const startedAt = new Date();
    return reportComparison(
      compare(base, head),
      {
        against: given.base,
        head: given.head ?? headFile!,
        allowUnknown: Boolean(given['allow-unknown']),
        versions: [versionOf(base), versionOf(head)],
        startedAt,
        ...report,
      },
      io,
    );
  },
};

/** The comparison, or, where the checker cannot even walk a spec, one difference it cannot judge: never a pass. */
export function compare(base: unknown, head: unknown): Comparison {
  try {
    return compareSpecs(base, head);
  } catch (error) {
    return { changes: [], cannotJudge: [`# (${(error as Error).message})`] };
  }
}

/** A spec's info.version, where it has one. */
function versionOf(spec: unknown): string | undefined {
  const version = (spec as { info?: { version?: unknown } } | null)?.info?.version;
  return typeof version === 'string' ? version : undefined;
}

export interface ComparisonReportOptions {
  /** The base, as named on the command line. */
  against: string;
  head: string;
  allowUnknown: boolean;
  /** info.version of the base and the head. */
  versions?: [string | undefined, string | undefined];
  startedAt?: Date;
  format?: ReportFormat;
  output?: string;
}

/**
 * Prints a comparison as CI reads it (✗ breaking, ? or ✗ unjudged, ✓ safe, then one summary line), writes
 * its report where --format and --output say; the exit code.
 */
export function reportComparison(comparison: Comparison, options: ComparisonReportOptions, io: Io): number {
  const { against, allowUnknown } = options;
  const flags = { format: options.format ?? 'text', ...(options.output === undefined ? {} : { output: options.output }) };
  const { say, said } = textReport(flags, io);
  const breaking = comparison.changes.filter((c) => c.breaking);
  const safe = comparison.changes.filter((c) => !c.breaking);
  for (const change of breaking) say(`✗ ${change.where}: ${change.what}`);
  for (const pointer of comparison.cannotJudge) say(`${allowUnknown ? '?' : '✗'} cannot judge: ${pointer}`);
  for (const change of safe) say(`✓ ${change.where}: ${change.what}`);
  const unknown = comparison.cannotJudge.length;
  const unknownNote =
    unknown > 0
      ? `, ${unknown} difference${unknown === 1 ? '' : 's'} it cannot judge${allowUnknown ? ' (allowed by --allow-unknown)' : ''}`
      : '';
  const failed = breaking.length > 0 || (unknown > 0 && !allowUnknown);
  const summary = failed
    ? `${breaking.length} breaking change${breaking.length === 1 ? '' : 's'} against ${against}${unknownNote} (and ${safe.length} safe): ` +
      (breaking.length > 0 ? 'bump the major version, or make them safe' : 'judge them yourself, then pass --allow-unknown')
    : `no breaking changes against ${against} (${safe.length} safe change${safe.length === 1 ? '' : 's'}${unknownNote})`;
  say(summary);
  const exitCode = failed ? 1 : 0;
  const [baseVersion, headVersion] = options.versions ?? [];
  const report = createReport(
    {
      command: 'check-breaking',
      exitCode,
      summary,
      checks: comparisonChecks(comparison, allowUnknown),
      checkBreaking: {
        base: against,
        head: options.head,
        ...(baseVersion === undefined ? {} : { baseVersion }),
        ...(headVersion === undefined ? {} : { headVersion }),
        allowUnknown,
      },
    },
    options.startedAt ?? new Date(),
  );
  emitReport(report, flags, io, said);
  return exitCode;
}

/** A spec file: JSON, or YAML where the `yaml` package is installed (the kit itself does not need it). */
async function readSpecFile(file: string): Promise<unknown> {
  return parseSpec(readFileSync(file, 'utf8'), file);
}

async function parseSpec(text: string, label: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch (jsonError) {
    if (!/^\s*[{[]/.test(text)) {
      const yaml = (await import('yaml').catch(() => undefined)) as { parse(text: string): unknown } | undefined;
      if (!yaml) throw new UsageError(`${label} is not JSON; reading YAML needs the yaml package (npm install --save-dev yaml)`);
      try {
        return yaml.parse(text);
      } catch (yamlError) {
        throw new UsageError(`${label} is neither JSON nor YAML: ${(yamlError as Error).message}`);
      }
    }
    throw new UsageError(`${label} is not JSON: ${(jsonError as Error).message}`);
  }
}

/** The head file's path at a git ref of the repository that holds it. */
async function readAtRef(ref: string, headFile: string | undefined): Promise<unknown> {
  if (headFile === undefined) {
    throw new UsageError(`"${ref}" is not a file; a git ref needs --head FILE (whose path at that ref is read)`);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: resolve(headFile, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  let path: string;
  try {
    path = relative(git('rev-parse', '--show-toplevel').trim(), resolve(headFile)).split('\\').join('/');
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch {
    throw new UsageError(`"${ref}" is neither a file nor a commit of the git repository that holds ${headFile}`);
  }
  let text: string;
  try {
    text = git('show', `${ref}:${path}`);
  } catch {
    throw new UsageError(`${path} does not exist at ${ref}`);
  }
  return parseSpec(text, `${ref}:${path}`);
}
