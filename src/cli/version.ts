// The command line's name and the package's version, for --version and every report.
import { createRequire } from 'node:module';

export const BIN = 'ada-end-users-contract';

/** The package's own version, from its package.json (resolved through its own name: the same from src/ and dist/). */
export function packageVersion(): string {
  return (createRequire(import.meta.url)(`${BIN}/package.json`) as { version: string }).version;
}
