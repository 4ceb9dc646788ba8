import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // `npm test`, the suite a change is tried with. The CI-only, packed-package and browser suites have their
    // own scripts (test:ci, test:consumer, test:docs); .ci/run runs them all.
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/ci/**', 'test/consumer/**', 'test/docs/**'],
    // One Prism process for the whole run (see test/helpers/global-setup.ts); tests read its URL with inject().
    globalSetup: ['test/helpers/global-setup.ts'],
    // Type-level tests (*.test-d.ts) run through tsc as part of `npm test`.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Much of the test time is spent waiting on child processes (Prism, the CLIs), so one worker more
    // than there are cores keeps them busy (vitest's default, one fewer, left a core idle: 61 s vs 29 s).
    maxWorkers: availableParallelism() + 1,
    // In-process tests finish in milliseconds to seconds; 30 s only bounds a hang. Tests that wait on
    // child processes (CLIs, npm, a cold Prism) set CHILD_PROCESS_TIMEOUT (test/support.ts) themselves.
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
