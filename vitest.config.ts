import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // The client's transport from source, as tsconfig.json's paths give it to tsc, tsx and esbuild (the
  // package's "imports" map #transport to the built one per runtime; Vite would look there first).
  resolve: { alias: { '#transport': fileURLToPath(new URL('./src/client/transport-node.ts', import.meta.url)) } },
  test: {
    // `npm test`, the suite a change is tried with. The CI-only, packed-package, browser and other-runtime
    // suites have their own scripts (test:ci, test:consumer, test:docs, test:runtimes); .ci/run runs them all.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/ci/**', 'test/consumer/**', 'test/docs/**', 'test/runtimes/**', 'test/generators/**'],
    // One Prism process for the whole run (see test/helpers/global-setup.ts); tests read its URL with inject().
    globalSetup: ['test/helpers/global-setup.ts'],
    // Type-level tests (*.test-d.ts) run through tsc in `npm run test:ci` (and `npm run typecheck` checks
    // them too): about 10 s of CPU that `npm test` does not pay twice.
    typecheck: { enabled: false, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Each test file in a fresh VM context of a reused process rather than a fresh process: the same
    // isolation of modules, about 10 s less CPU and 5 s less wall on 2 cores (forks: 44 s, vmForks: 39 s).
    pool: 'vmForks',
    // Much of the test time is spent waiting on child processes (Prism, the CLIs), so one worker more
    // than there are cores keeps them busy (vitest's default, one fewer, left a core idle: 61 s vs 29 s).
    maxWorkers: availableParallelism() + 1,
    // In-process tests finish in milliseconds to seconds; 30 s only bounds a hang. Tests that wait on
    // child processes (CLIs, npm, a cold Prism) set CHILD_PROCESS_TIMEOUT (test/helpers/support.ts) themselves.
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
