// The spec bundled into one file per format by Redocly (`redocly bundle`, the alias redocly.yaml
// declares). Kept apart from generate.ts so that scripts which only bundle (check:breaking) or only need
// the repository's root do not load openapi-typescript and, with it, the TypeScript compiler.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const GENERATED_DIR = join(ROOT, 'generated');

const API_ALIAS = 'ada-end-users@v2'; // declared in redocly.yaml
const redocly = join(ROOT, 'node_modules', '.bin', 'redocly');

/**
 * openapi.json and openapi.yaml in `outDir` (generated/ by default), or only the formats asked for.
 * A spec Redocly cannot bundle (not YAML, empty, a $ref to a missing file) throws one line naming the
 * file and the cause, as Redocly words them.
 */
export function bundleSpec(outDir: string = GENERATED_DIR, formats: ReadonlyArray<'json' | 'yaml'> = ['json', 'yaml']): void {
  mkdirSync(outDir, { recursive: true });
  for (const ext of formats) {
    try {
      execFileSync(redocly, ['bundle', API_ALIAS, '--ext', ext, '-o', join(outDir, `openapi.${ext}`)], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, // Redocly CLI reports usage otherwise
      });
    } catch (error) {
      throw new Error(`the spec does not bundle: ${redoclyCause(String((error as { stderr?: unknown }).stderr ?? error))}`);
    }
  }
}

/** The spec bundled now, as JSON text (generated/ may be stale while editing); throws as bundleSpec does. */
export function bundledNow(): string {
  const fresh = mkdtempSync(join(tmpdir(), 'ada-bundle-'));
  try {
    bundleSpec(fresh, ['json']);
    return readFileSync(join(fresh, 'openapi.json'), 'utf8');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

/** The first words of Redocly's complaint (where, then what), without its banners and code frames. */
function redoclyCause(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^[║╔╚]/.test(line) && !/^bundling /.test(line));
  const cause = lines
    .slice(0, 2)
    .join(' ')
    .replace(/:\s*-\s+/, ': ');
  return (cause || 'Redocly failed without saying why').slice(0, 400);
}
