// What a release of this repository is: a `v<version>` tag, a `## [<version>]` section of the CHANGELOG
// (Keep a Changelog 1.1.0, compare links at its end), and `releases/openapi-<version>.json`, the contract
// it shipped. Tags may not reach a clone (CI clones main alone), so the committed file is what
// `npm run check:breaking` and `npm run release` compare with.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bundle.js';

export const RELEASES_DIR = join(ROOT, 'releases');

/** git in this repository: its output, trimmed (throws where git does). */
export const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
export const SECTION_TYPES = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'] as const;

export type Semver = [number, number, number];

export function parseSemver(version: string): Semver | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareSemver(a: Semver, b: Semver): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function bump(version: string, kind: 'major' | 'minor' | 'patch'): string {
  const [major, minor, patch] = parseSemver(version) ?? [Number.NaN, 0, 0];
  if (Number.isNaN(major)) throw new Error(`package.json's version "${version}" is not MAJOR.MINOR.PATCH`);
  return kind === 'major' ? `${major + 1}.0.0` : kind === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
}

/** The newest committed release (by version), or undefined where there is none. */
export function newestRelease(dir: string = RELEASES_DIR): { version: string; file: string } | undefined {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined;
  }
  const releases = files
    .map((file) => ({ file: join(dir, file), semver: parseSemver(/^openapi-(.+)\.json$/.exec(file)?.[1] ?? '') }))
    .filter((r): r is { file: string; semver: Semver } => r.semver !== undefined)
    .sort((a, b) => compareSemver(b.semver, a.semver));
  const [newest] = releases;
  return newest ? { version: newest.semver.join('.'), file: newest.file } : undefined;
}

export function readRelease(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * Where the compare links point: the repository's GitHub URL from package.json, else relative to the
 * CHANGELOG as GitHub shows it (`blob/<branch>/CHANGELOG.md`, from which `../../compare/` is the
 * repository's compare page). No URL is invented.
 */
export function compareBase(repository: unknown): string {
  const url = typeof repository === 'string' ? repository : (repository as { url?: unknown } | undefined)?.url;
  const github = typeof url === 'string' ? /github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?$/.exec(url) : null;
  return github ? `https://github.com/${github[1]}/compare/` : '../../compare/';
}

const VERSION_HEADING = /^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})(?: \(contract (\d+\.\d+\.\d+)\))?$/;

/**
 * The CHANGELOG's faults as Keep a Changelog 1.1.0 reads it: `## [Unreleased]` first, then versions
 * newest first with dates, each section one of the six types at most once and in their order, and a
 * compare link for [Unreleased] and every version.
 */
export function changelogFaults(text: string): string[] {
  const faults: string[] = [];
  const lines = text.split('\n');
  const headings = lines.filter((line) => line.startsWith('## '));
  if (headings[0] !== '## [Unreleased]') faults.push(`the first section must be "## [Unreleased]", is "${headings[0] ?? '(none)'}"`);
  const versions: string[] = [];
  let section: string | undefined;
  let types: string[] = [];
  for (const line of lines) {
    if (line.startsWith('## ')) {
      section = line;
      types = [];
      if (line === '## [Unreleased]') continue;
      const match = VERSION_HEADING.exec(line);
      if (!match) faults.push(`"${line}" is not "## [MAJOR.MINOR.PATCH] - YYYY-MM-DD (contract X.Y.Z)"`);
      else versions.push(match[1]!);
    } else if (line.startsWith('### ')) {
      const type = line.slice(4);
      const at = SECTION_TYPES.indexOf(type as (typeof SECTION_TYPES)[number]);
      if (at < 0) faults.push(`${section}: "${line}" is none of ${SECTION_TYPES.join(', ')}`);
      else if (types.includes(type)) faults.push(`${section}: "${line}" twice`);
      else if (types.some((seen) => SECTION_TYPES.indexOf(seen as (typeof SECTION_TYPES)[number]) > at))
        faults.push(`${section}: "${line}" out of order (${SECTION_TYPES.join(', ')})`);
      types.push(type);
    }
  }
  for (let i = 1; i < versions.length; i++) {
    if (compareSemver(parseSemver(versions[i - 1]!)!, parseSemver(versions[i]!)!) <= 0) {
      faults.push(`[${versions[i - 1]}] is listed before [${versions[i]}] but is not newer`);
    }
  }
  const links = new Set(lines.map((line) => /^\[([^\]]+)\]: \S+$/.exec(line)?.[1]).filter(Boolean));
  for (const name of ['Unreleased', ...versions]) if (!links.has(name)) faults.push(`no compare link for [${name}]`);
  return faults;
}

/**
 * The CHANGELOG with [Unreleased]'s entries released as `version`: its heading under an empty
 * [Unreleased], and the compare links (Unreleased from the new tag; the new version from the previous).
 * Throws where there is nothing to release.
 */
export function releaseChangelog(
  text: string,
  release: { version: string; date: string; contract: string; previous: string | undefined; base: string },
): string {
  const unreleased = '## [Unreleased]\n';
  const start = text.indexOf(unreleased);
  if (start < 0) throw new Error('the CHANGELOG has no "## [Unreleased]" section');
  const next = text.indexOf('\n## ', start + unreleased.length);
  const body = text.slice(start + unreleased.length, next < 0 ? undefined : next + 1);
  if (!/^### /m.test(body)) throw new Error('nothing to release: "## [Unreleased]" has no Added, Changed, … section');
  const heading = `## [${release.version}] - ${release.date} (contract ${release.contract})\n`;
  let released = `${text.slice(0, start)}${unreleased}\n${heading}${body.replace(/^\n+/, '\n')}${next < 0 ? '' : text.slice(next + 1)}`;
  const tag = `v${release.version}`;
  const linkLines = released.split('\n').filter((line) => /^\[[^\]]+\]: \S+$/.test(line));
  const kept = linkLines.filter((line) => !line.startsWith('[Unreleased]: '));
  released = released
    .split('\n')
    .filter((line) => !linkLines.includes(line))
    .join('\n')
    .replace(/\n+$/, '\n');
  const links = [
    `[Unreleased]: ${release.base}${tag}...HEAD`,
    release.previous
      ? `[${release.version}]: ${release.base}v${release.previous}...${tag}`
      : `[${release.version}]: ${release.base.replace(/compare\/$/, 'releases/tag/')}${tag}`,
    ...kept,
  ];
  return `${released}\n${links.join('\n')}\n`;
}
