import { configDefaults, defineConfig } from 'vitest/config';
import main from './vitest.config.js';

// `npm run test:ci`: what `npm test` leaves to CI (.ci/run runs both): full command runs (npm start,
// npm run verify, check:generated, each spawning npm or tsx and waiting on real process lifecycles),
// upstream pins (plain Prism's crash), Optic's second opinion, and the type-level tests (test/**/*.test-d.ts,
// through tsc). Same Prism and timeouts as `npm test`; forks, as the command runs spawn and signal processes.
export default defineConfig({
  resolve: main.resolve,
  test: {
    ...main.test,
    include: ['test/ci/**/*.test.ts'],
    exclude: configDefaults.exclude,
    pool: 'forks',
    typecheck: { ...main.test?.typecheck, enabled: true },
  },
});
