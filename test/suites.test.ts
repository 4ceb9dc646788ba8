// The suites split the tests between them, each test file in exactly one: `npm test` (vitest.config.ts)
// leaves test/ci/, test/consumer/, test/docs/, test/runtimes/ and test/generators/ to their own scripts,
// and .ci/run runs every one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import ci from '../vitest.ci.config.js';
import main from '../vitest.config.js';
import consumer from '../vitest.consumer.config.js';
import docs from '../vitest.docs.config.js';
import generators from '../vitest.generators.config.js';
import runtimes from '../vitest.runtimes.config.js';

const root = join(import.meta.dirname, '..');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [relative(root, join(dir, e.name))],
  );
const tests = files(join(root, 'test')).filter((f) => f.endsWith('.test.ts'));

/** The suite a file belongs to, by the folder the configs give each suite. */
const suiteOf = (file: string) => /^test\/(ci|consumer|docs|runtimes|generators)\//.exec(file)?.[1] ?? 'main';

describe('the test suites', () => {
  it('each config includes its own folder, and npm test excludes the others', () => {
    expect(main.test?.include).toEqual(['test/**/*.test.ts']);
    expect(main.test?.exclude).toEqual(
      expect.arrayContaining(['test/ci/**', 'test/consumer/**', 'test/docs/**', 'test/runtimes/**', 'test/generators/**']),
    );
    expect(ci.test?.include).toEqual(['test/ci/**/*.test.ts']);
    expect(consumer.test?.include).toEqual(['test/consumer/**/*.test.ts']);
    expect(docs.test?.include).toEqual(['test/docs/**/*.test.ts']);
    expect(runtimes.test?.include).toEqual(['test/runtimes/**/*.test.ts']);
    expect(generators.test?.include).toEqual(['test/generators/**/*.test.ts']);
  });

  it('the type-level tests (tsc) run in test:ci, with the CI-only tests', () => {
    expect(files(join(root, 'test')).filter((f) => f.endsWith('.test-d.ts')).length).toBeGreaterThan(0);
    expect(ci.test?.typecheck).toMatchObject({ enabled: true, include: ['test/**/*.test-d.ts'] });
    expect(main.test?.typecheck?.enabled).toBe(false);
  });

  it('every suite has tests, and .ci/run runs each suite’s script', () => {
    const run = readFileSync(join(root, '.ci/run'), 'utf8');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    for (const [suite, script] of [
      ['main', 'test'],
      ['ci', 'test:ci'],
      ['consumer', 'test:consumer'],
      ['docs', 'test:docs'],
      ['runtimes', 'test:runtimes'],
      ['generators', 'test:generators'],
    ] as const) {
      expect([suite, tests.some((f) => suiteOf(f) === suite)]).toEqual([suite, true]);
      // A suite runs in turn (`suite …`) or beside another (`beside NAME suite …`).
      expect([script, run]).toEqual([script, expect.stringMatching(new RegExp(`^ *(beside \\S+ )?suite \\S+ ${script}\\b`, 'm'))]);
      expect(scripts[script]).toBeDefined();
    }
  });

  it('.ci/run runs the main suite on Node 24 too, and the consumer suite’s packed program (CONSUMER_NODES)', () => {
    const run = readFileSync(join(root, '.ci/run'), 'utf8');
    expect(run).toMatch(/^suite \S+ test "\$node24" \|\| status=1$/m);
    expect(run).toMatch(/^export CONSUMER_NODES="\$node24\/node"$/m);
  });
});
