// Fails when generated/ is stale: regenerates into a temp dir and compares byte for byte.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_DIR, GENERATED_FILES, generate } from './generate.js';

const fresh = mkdtempSync(join(tmpdir(), 'ada-generated-'));
try {
  await generate(fresh);
  const problems: string[] = [];
  for (const file of GENERATED_FILES) {
    const committed = join(GENERATED_DIR, file);
    if (!existsSync(committed)) problems.push(`generated/${file} is missing`);
    else if (!readFileSync(committed).equals(readFileSync(join(fresh, file)))) {
      problems.push(`generated/${file} is stale`);
    }
  }
  const expected = new Set<string>(GENERATED_FILES);
  for (const file of readdirSync(GENERATED_DIR)) {
    if (!expected.has(file)) problems.push(`generated/${file} is not produced by the generator`);
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nRun \`npm run generate\` and commit the result.`);
    process.exitCode = 1;
  } else {
    console.log(`generated/ is up to date (${GENERATED_FILES.length} files)`);
  }
} catch (error) {
  console.error(`check:generated: ${(error as Error).message}`); // a spec that does not bundle: one line, no stack
  process.exitCode = 1;
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
