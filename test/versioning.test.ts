// The version numbers agree: package.json, the contract's info.version, CHANGELOG.md, releases/, the README and the guides.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changelogFaults, newestRelease } from '../scripts/releases.js';

const root = join(import.meta.dirname, '..');

describe('versioning', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const contract = JSON.parse(readFileSync(join(root, 'generated', 'openapi.json'), 'utf8')).info.version;

  it('CHANGELOG.md has an entry for the package version, naming the contract version it ships', () => {
    const heading = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`## [${manifest.version}]`));
    expect(heading).toMatch(new RegExp(`contract ${contract.replace(/\./g, '\\.')}\\b`));
  });

  it('CHANGELOG.md is in Keep a Changelog 1.1.0 form: [Unreleased] first, the six section types in order, a compare link per version', () => {
    expect(changelogFaults(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'))).toEqual([]);
    const faulty = [
      '## [1.1.0] - 2026-01-02 (contract 1.0.0)',
      '### Fixed',
      '### Added',
      '### Kit',
      '## [1.2.0] - 2026-01-03 (contract 1.0.0)',
      '## [1.0.0] - yesterday',
      '[1.1.0]: ../../compare/v1.0.0...v1.1.0',
    ].join('\n');
    expect(changelogFaults(faulty)).toEqual([
      'the first section must be "## [Unreleased]", is "## [1.1.0] - 2026-01-02 (contract 1.0.0)"',
      '## [1.1.0] - 2026-01-02 (contract 1.0.0): "### Added" out of order (Added, Changed, Deprecated, Removed, Fixed, Security)',
      '## [1.1.0] - 2026-01-02 (contract 1.0.0): "### Kit" is none of Added, Changed, Deprecated, Removed, Fixed, Security',
      '"## [1.0.0] - yesterday" is not "## [MAJOR.MINOR.PATCH] - YYYY-MM-DD (contract X.Y.Z)"',
      '[1.1.0] is listed before [1.2.0] but is not newer',
      'no compare link for [Unreleased]',
      'no compare link for [1.2.0]',
    ]);
  });

  it('the newest release in releases/ is the CHANGELOG’s newest version, and holds the contract it names', () => {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    const [, version, contractVersion] = /^## \[(\d+\.\d+\.\d+)\] - \S+ \(contract (\S+)\)$/m.exec(changelog) ?? [];
    const release = newestRelease();
    expect(release?.version).toBe(version);
    expect(JSON.parse(readFileSync(release!.file, 'utf8')).info.version).toBe(contractVersion);
  });

  it('every tarball the README and the guides name is the one `npm pack` makes of this version, or says <version>', () => {
    const docs = [
      'README.md',
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join('docs', f)),
    ];
    const named = docs.flatMap((file) => readFileSync(join(root, file), 'utf8').match(/ada-end-users-contract-[\w.<>-]+?\.tgz/g) ?? []);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named)
      expect([`ada-end-users-contract-${manifest.version}.tgz`, 'ada-end-users-contract-<version>.tgz']).toContain(name);
  });
});
