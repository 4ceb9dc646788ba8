import { configDefaults, defineConfig } from 'vitest/config';
import main from './vitest.config.js';

// `npm run test:ci`: what `npm test` leaves to CI (.ci/run runs both): full command runs (npm start,
// npm run verify, check:generated, each spawning npm or tsx and waiting on real process lifecycles),
// upstream pins (plain Prism's crash), and Optic's second opinion. Same Prism and timeouts as `npm test`.
export default defineConfig({
  test: { ...main.test, include: ['test/ci/**/*.test.ts'], exclude: configDefaults.exclude, typecheck: { enabled: false } },
});
