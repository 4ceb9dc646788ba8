// `npm run check:breaking -- [--base <git-ref>|FILE] [--allow-unknown] [--format text|json|junit]
// [--output FILE]`: compares the working tree's spec
// with the spec at <git-ref>, or in FILE (default: the newest release, releases/openapi-<version>.json,
// which a clone of main has where tags may not reach it; else the newest v* tag; else HEAD~1). Exit 1 naming each change that
// breaks consumers, and each difference it cannot judge (`cannot judge: <JSON pointer>`; with
// --allow-unknown those are printed but do not fail); exit 0 with a summary of the safe ones. Exit 2
// for a bad ref or arguments.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { compare, reportComparison } from '../src/cli/check-breaking.js';
import { reportFlags } from '../src/cli/report.js';
import { bundledNow, ROOT } from './bundle.js';
import { git, newestRelease, readRelease } from './releases.js';

const fail = (message: string): never => {
  console.error(`check:breaking: ${message}`);
  process.exit(2);
};

const USAGE = 'usage: npm run check:breaking -- [--base <git-ref>|FILE] [--allow-unknown] [--format text|json|junit] [--output FILE]';
let base: string | undefined;
let allowUnknown = false;
let report: ReturnType<typeof reportFlags> = { format: 'text' };
try {
  const { values } = parseArgs({
    options: { base: { type: 'string' }, 'allow-unknown': { type: 'boolean' }, format: { type: 'string' }, output: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  ({ base, 'allow-unknown': allowUnknown = false } = values);
  // The command line's report flags, as its check-breaking takes them.
  report = reportFlags(values.format, values.output);
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const isCommit = (candidate: string) => {
  try {
    git('rev-parse', '--verify', '--quiet', `${candidate}^{commit}`);
    return true;
  } catch {
    return false;
  }
};
/** The base: a file (--base FILE, or the newest release), else a commit's spec. */
const release = base === undefined ? newestRelease() : undefined;
const baseFile = base !== undefined && existsSync(base) ? base : release?.file;
const newestTag = baseFile ? '' : git('tag', '--list', 'v*', '--sort=-v:refname').split('\n')[0];
const ref = base ?? (newestTag || 'HEAD~1');
if (!baseFile && !isCommit(ref)) {
  if (base !== undefined) fail(`"${ref}" is neither a file nor a commit in this repository`);
  // No release, no tag and no parent (a first commit, or a shallow clone): nothing to compare against.
  console.log('no breaking-change base: no release in releases/, no v* tag and no HEAD~1; nothing to compare');
  process.exit(0);
}

/** The spec at the ref: its committed bundle, or the hand-written file where no bundle was committed yet. */
function specAt(commit: string): unknown {
  try {
    return JSON.parse(git('show', `${commit}:generated/openapi.json`));
  } catch {
    try {
      return parseYaml(git('show', `${commit}:spec/openapi.yaml`));
    } catch {
      return fail(`no spec at ${commit} (neither generated/openapi.json nor spec/openapi.yaml)`);
    }
  }
}

let head: unknown;
try {
  head = JSON.parse(bundledNow());
} catch (error) {
  // No verdict is possible on a spec that cannot be read: one line, and not the "breaking" exit code.
  fail(`cannot read the working tree's spec/openapi.yaml: ${(error as Error).message}`);
}
// The verdict and its report are the command line's (`ada-end-users-contract check-breaking`); this
// script only brings the two specs of this repository: a git ref's committed bundle, and the working tree.
function readBase(file: string): unknown {
  try {
    return readRelease(file);
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as Error).message}`);
  }
}
const against = release ? `release ${release.version} (${relative(ROOT, release.file)})` : (base ?? ref);
process.exitCode = reportComparison(
  compare(baseFile ? readBase(baseFile) : specAt(ref), head),
  { against, head: 'the working tree', allowUnknown, ...report },
  { out: (text) => console.log(text), err: (text) => console.error(text) },
);
