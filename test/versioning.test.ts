// The version numbers agree: package.json, the contract's info.version, CHANGELOG.md and the README.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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

  it('every tarball the README names is the one `npm pack` makes of this version', () => {
    const named = readFileSync(join(root, 'README.md'), 'utf8').match(/ada-end-users-contract-[\w.-]+?\.tgz/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([`ada-end-users-contract-${manifest.version}.tgz`]));
  });
});
