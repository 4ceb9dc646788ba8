// CI-only (`npm run test:ci`, each case runs the command): `npm run release -- major|minor|patch` in
// repositories of their own (this one's spec, scripts, CHANGELOG and releases/, committed): what it
// writes, commits and tags, and what it refuses: a minor or patch over a breaking change, a contract that
// changed without its info.version moving, uncommitted changes, bad arguments.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changelogFaults } from '../../scripts/releases.js';
import { type Repository, repositoryFactory } from '../helpers/repository.js';
import { CHILD_PROCESS_TIMEOUT } from '../helpers/support.js';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contract = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8')).info.version as string;
const [major, minor] = (manifest.version as string).split('.').map(Number);
const today = new Date().toISOString().slice(0, 10);

const newRepository = repositoryFactory('ada-release-');
/** A repository of its own holding what a release reads and writes, all committed. */
async function releaseRepository(): Promise<{ repo: string; git: Repository['git']; commit: Repository['commit'] }> {
  const { dir, git, commit } = await newRepository([
    'spec',
    'generated',
    'scripts',
    'src',
    'releases',
    'redocly.yaml',
    '.redocly.lint-ignore.yaml',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'CHANGELOG.md',
  ]);
  // Something to release, whatever this repository's own [Unreleased] holds now.
  const changelog = join(dir, 'CHANGELOG.md');
  writeFileSync(
    changelog,
    readFileSync(changelog, 'utf8').replace('## [Unreleased]\n', '## [Unreleased]\n\n### Added\n- What this test releases.\n'),
  );
  await commit('an entry under [Unreleased]');
  return { repo: dir, git, commit };
}

const release = (repo: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/release.ts', ...args], { cwd: repo }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/** Edits a file of the spec and bundles it, as `npm run generate` would (the bundle is what ships). */
async function changeSpec(repo: string, file: string, edit: (text: string) => string): Promise<void> {
  writeFileSync(join(repo, file), edit(readFileSync(join(repo, file), 'utf8')));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--bundle-only'], { cwd: repo });
}

describe('npm run release', () => {
  it(
    'patch: bumps package.json and the lockfile, releases [Unreleased] with its compare links, writes the contract, commits, tags',
    async () => {
      const { repo, git } = await releaseRepository();
      const before = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8');
      const next = `${major}.${minor}.${Number(manifest.version.split('.')[2]) + 1}`;
      const { code, stdout } = await release(repo, 'patch');
      expect(code).toBe(0);
      expect(stdout).toContain(`released ${next} (contract ${contract}): tagged v${next}`);
      expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe(next);
      const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
      expect([lock.version, lock.packages[''].version]).toEqual([next, next]);
      const changelog = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8');
      expect(changelogFaults(changelog)).toEqual([]);
      // [Unreleased] is empty now; what it held is under the new version, word for word.
      const unreleasedBefore = before.slice(before.indexOf('## [Unreleased]\n') + 16, before.indexOf(`\n## [${manifest.version}]`));
      expect(changelog).toContain(
        `## [Unreleased]\n\n## [${next}] - ${today} (contract ${contract})\n${unreleasedBefore}\n## [${manifest.version}]`,
      );
      expect(changelog).toMatch(new RegExp(`\\n\\[Unreleased\\]: \\.\\./\\.\\./compare/v${next}\\.\\.\\.HEAD\\n`));
      expect(changelog).toContain(`\n[${next}]: ../../compare/v${manifest.version}...v${next}\n`);
      expect(readFileSync(join(repo, 'releases', `openapi-${next}.json`), 'utf8')).toBe(
        readFileSync(join(repo, 'generated', 'openapi.json'), 'utf8'),
      );
      expect(await git('status', '--porcelain')).toBe('');
      expect(await git('log', '-1', '--format=%s')).toBe(`Release ${next} (contract ${contract})`);
      expect(await git('describe', '--exact-match', '--tags', 'HEAD')).toBe(`v${next}`);
      // Nothing left to release: a second run refuses.
      const again = await release(repo, 'patch');
      expect(again.code).toBe(1);
      expect(again.stderr).toBe('release: nothing to release: "## [Unreleased]" has no Added, Changed, … section\n');
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a breaking contract change: minor and patch refused (exit 1, each change named), major released',
    async () => {
      const { repo, git, commit } = await releaseRepository();
      await changeSpec(repo, 'spec/components/schemas/ExternalId.yaml', (text) => text.replace('maxLength: 36', 'maxLength: 20'));
      await changeSpec(repo, 'spec/openapi.yaml', (text) => text.replace(`version: ${contract}`, 'version: 2.0.0'));
      await commit('external_id: at most 20 characters (contract 2.0.0)');
      for (const level of ['minor', 'patch']) {
        const refused = await release(repo, level);
        expect(refused.code).toBe(1);
        expect(refused.stdout).toMatch(/^✗ PATCH \/v2\/end-users\/\{end_user_id\} request body \/external_id: maxLength 36 → 20/m);
        expect(refused.stderr).toBe(
          `release: a ${level} release cannot carry changes that break consumers (or that the checker cannot judge): release major, or make them safe\n`,
        );
      }
      expect(await git('tag')).toBe('');
      const released = await release(repo, 'major');
      expect(released.code).toBe(0);
      expect(await git('tag')).toBe(`v${major! + 1}.0.0`);
      expect(readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')).toContain(`## [${major! + 1}.0.0] - ${today} (contract 2.0.0)`);
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'a contract that changed without its info.version moving is refused, even for a major; a breaking one needs its major',
    async () => {
      const { repo, commit } = await releaseRepository();
      await changeSpec(repo, 'spec/components/schemas/ExternalId.yaml', (text) => text.replace('maxLength: 36', 'maxLength: 20'));
      await commit('external_id: at most 20 characters');
      const same = await release(repo, 'major');
      expect(same.code).toBe(1);
      expect(same.stderr).toBe(
        `release: the contract changed since ${manifest.version} but its info.version did not move forward (${contract} -> ${contract})\n`,
      );
      await changeSpec(repo, 'spec/openapi.yaml', (text) => text.replace(`version: ${contract}`, 'version: 1.4.0'));
      await commit('contract 1.4.0');
      const minorContract = await release(repo, 'major');
      expect(minorContract.code).toBe(1);
      expect(minorContract.stderr).toBe(
        `release: the contract has breaking changes since ${manifest.version}: its info.version needs a new major (${contract} -> 1.4.0)\n`,
      );
    },
    CHILD_PROCESS_TIMEOUT,
  );

  it(
    'refuses uncommitted changes, a stale bundle and bad arguments (exit 2), releasing nothing',
    async () => {
      const { repo, git, commit } = await releaseRepository();
      expect(await release(repo)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^release: one of major, minor or patch is required\n/),
      });
      expect(await release(repo, 'huge')).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^release: "huge" is none of major, minor, patch\n/),
      });
      writeFileSync(join(repo, 'CHANGELOG.md'), `${readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')}\n`);
      expect(await release(repo, 'patch')).toEqual({
        code: 2,
        stdout: '',
        stderr: 'release: uncommitted changes; commit or stash them first\n',
      });
      await git('checkout', 'CHANGELOG.md');
      // The spec edited and committed without its bundle: what would ship is not the spec.
      writeFileSync(
        join(repo, 'spec/components/schemas/ExternalId.yaml'),
        readFileSync(join(repo, 'spec/components/schemas/ExternalId.yaml'), 'utf8').replace('maxLength: 36', 'maxLength: 35'),
      );
      await commit('spec without its bundle');
      expect(await release(repo, 'major')).toEqual({
        code: 2,
        stdout: '',
        stderr: 'release: generated/openapi.json is not the spec bundled now; run npm run generate and commit it\n',
      });
      expect(await git('tag')).toBe('');
      expect(existsSync(join(repo, 'releases', `openapi-${major! + 1}.0.0.json`))).toBe(false);
    },
    CHILD_PROCESS_TIMEOUT,
  );
});
