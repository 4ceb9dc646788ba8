// `npm run release -- major|minor|patch [--dry-run]`: releases what is committed. Refuses (exit 1) a minor
// or patch when the contract has a change that breaks consumers, or one the checker cannot judge, since
// the newest release; and a contract that changed without its info.version moving (a breaking one: its
// major). Then bumps package.json (and the lockfile), releases the CHANGELOG's [Unreleased] entries
// under the new version with its compare links, writes releases/openapi-<version>.json, commits, and
// tags v<version>. Nothing is pushed. Exit 2: bad arguments, uncommitted changes, stale generated files.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { compare, reportComparison } from '../src/cli/check-breaking.js';
import { bundledNow, GENERATED_DIR, ROOT } from './bundle.js';
import {
  bump,
  compareBase,
  compareSemver,
  git,
  newestRelease,
  parseSemver,
  RELEASES_DIR,
  readRelease,
  releaseChangelog,
} from './releases.js';

const USAGE = 'usage: npm run release -- major|minor|patch [--dry-run]';
const stop = (code: 1 | 2, message: string): never => {
  console.error(`release: ${message}`);
  process.exit(code);
};

let kind: string | undefined;
let dryRun = false;
try {
  const parsed = parseArgs({ options: { 'dry-run': { type: 'boolean' } }, strict: true, allowPositionals: true });
  dryRun = parsed.values['dry-run'] ?? false;
  if (parsed.positionals.length !== 1) throw new Error(`one of major, minor or patch is required`);
  kind = parsed.positionals[0];
} catch (error) {
  stop(2, `${(error as Error).message}\n${USAGE}`);
}
if (kind !== 'major' && kind !== 'minor' && kind !== 'patch') stop(2, `"${kind}" is none of major, minor, patch\n${USAGE}`);
const level = kind as 'major' | 'minor' | 'patch';

// What is released is what is committed: nothing else may be in the tree.
if (git('status', '--porcelain') !== '') stop(2, 'uncommitted changes; commit or stash them first');
let bundled = '';
try {
  bundled = bundledNow();
} catch (error) {
  stop(2, (error as Error).message);
}
if (bundled !== readFileSync(join(GENERATED_DIR, 'openapi.json'), 'utf8')) {
  stop(2, 'generated/openapi.json is not the spec bundled now; run npm run generate and commit it');
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const version = bump(manifest.version, level);
const head = JSON.parse(readFileSync(join(GENERATED_DIR, 'openapi.json'), 'utf8'));
const contract: string = head.info.version;
const previous = newestRelease();

if (previous) {
  const base = readRelease(previous.file) as { info: { version: string } };
  const comparison = compare(base, head);
  const breaking = comparison.changes.some((c) => c.breaking) || comparison.cannotJudge.length > 0;
  if (breaking && level !== 'major') {
    reportComparison(
      comparison,
      { against: `release ${previous.version}`, head: 'HEAD', allowUnknown: false },
      {
        out: (text) => console.log(text),
        err: (text) => console.error(text),
      },
    );
    stop(
      1,
      `a ${level} release cannot carry changes that break consumers (or that the checker cannot judge): release major, or make them safe`,
    );
  }
  const [was, now] = [parseSemver(base.info.version), parseSemver(contract)];
  if (!isDeepStrictEqual(base, head)) {
    if (!was || !now || compareSemver(now, was) <= 0) {
      stop(
        1,
        `the contract changed since ${previous.version} but its info.version did not move forward (${base.info.version} -> ${contract})`,
      );
    }
    if (breaking && now![0] <= was![0]) {
      stop(
        1,
        `the contract has breaking changes since ${previous.version}: its info.version needs a new major (${base.info.version} -> ${contract})`,
      );
    }
  }
}

const changelogFile = join(ROOT, 'CHANGELOG.md');
const date = new Date().toISOString().slice(0, 10);
let changelog: string;
try {
  changelog = releaseChangelog(readFileSync(changelogFile, 'utf8'), {
    version,
    date,
    contract,
    previous: previous?.version,
    base: compareBase(manifest.repository),
  });
} catch (error) {
  stop(1, (error as Error).message);
}
const releaseFile = join(RELEASES_DIR, `openapi-${version}.json`);
if (dryRun) {
  console.log(
    `release ${version} (contract ${contract}) would: bump package.json, write ${relative(ROOT, releaseFile)}, release the CHANGELOG's [Unreleased], commit, tag v${version}`,
  );
  process.exit(0);
}

manifest.version = version;
writeFileSync(join(ROOT, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const lockFile = join(ROOT, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
lock.version = version;
if (lock.packages?.['']) lock.packages[''].version = version;
writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
writeFileSync(changelogFile, changelog!);
mkdirSync(RELEASES_DIR, { recursive: true });
copyFileSync(join(GENERATED_DIR, 'openapi.json'), releaseFile);
git('add', 'package.json', 'package-lock.json', 'CHANGELOG.md', relative(ROOT, releaseFile));
git('commit', '-q', '-m', `Release ${version} (contract ${contract})`);
git('tag', '-a', `v${version}`, '-m', `${version} (contract ${contract})`);
console.log(`released ${version} (contract ${contract}): tagged v${version}; push with git push --follow-tags`);
