// A git repository of its own holding copies of this one's files (node_modules linked, not copied), for
// the scripts that read git: check:breaking and release. Each is removed after the test file's tests.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

export interface Repository {
  dir: string;
  git(...args: string[]): Promise<string>;
  /** Commits everything (an empty commit where nothing changed). */
  commit(message: string): Promise<void>;
}

/** A factory for the test file: `entries` copied from this repository, committed once. */
export function repositoryFactory(prefix: string): (entries: readonly string[]) => Promise<Repository> {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return async (entries) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    for (const entry of entries) cpSync(join(root, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
    const git = async (...args: string[]) =>
      (await promisify(execFile)('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir })).stdout.trim();
    const commit = async (message: string) => {
      await git('add', '-A');
      await git('commit', '-q', '--allow-empty', '-m', message);
    };
    await git('init', '-q');
    await commit('state');
    return { dir, git, commit };
  };
}
