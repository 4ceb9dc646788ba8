// fast-check is an optional peer dependency of ada-end-users-contract/testing, as Prism is: missing, the
// import says what to install, with the range package.json names for it (and for Prism, the same way).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_CHECK_RANGE, loadFastCheck } from '../../src/arbitraries/fast-check.js';
import { prismManifestPath } from '../../src/prism/prism.js';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));

describe('fast-check, an optional peer of /testing', () => {
  it('is a peer (optional) and not a dependency: a production install of the root entry does not carry it', () => {
    expect(manifest.dependencies['fast-check']).toBeUndefined();
    expect(manifest.peerDependencies['fast-check']).toBe(FAST_CHECK_RANGE);
    expect(manifest.peerDependenciesMeta['fast-check']).toEqual({ optional: true });
  });

  it('missing: an error that names the package, the entry and the command, with the range package.json names', async () => {
    const missing = Object.assign(new Error("Cannot find package 'fast-check' imported from /app/x.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = (await loadFastCheck(() => Promise.reject(missing)).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe(
      `ada-end-users-contract/testing needs fast-check, an optional peer dependency: npm install --save-dev fast-check@${manifest.peerDependencies['fast-check']}`,
    );
    expect(error.cause).toBe(missing);
  });

  it('any other failure to load it is passed on as it is', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(loadFastCheck(() => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('present: the fast-check module itself', async () => {
    const fc = await loadFastCheck();
    expect(typeof fc.assert).toBe('function');
    expect(fc.sample(fc.constant(1), 1)).toEqual([1]);
  });

  it('Prism’s hint names the range package.json names for it', () => {
    expect(() => prismManifestPath('/nowhere/at/all.js')).toThrow(
      `npm install --save-dev @stoplight/prism-cli@${manifest.peerDependencies['@stoplight/prism-cli']}`,
    );
  });
});
