import { defineConfig } from 'vitest/config';
import main from './vitest.config.js';

// `npm run test:runtimes`: the built root entry on Node, Bun, Deno, workerd and Chromium (needs
// `npm run build`, `npm ci --prefix test/runtimes` and /usr/bin/chromium). One file, its tests in order:
// every other runtime's report is compared with Node's.
export default defineConfig({
  resolve: main.resolve, // the harness's helpers load the client from source
  test: { include: ['test/runtimes/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 120_000 },
});
