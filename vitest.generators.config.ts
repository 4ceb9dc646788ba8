import { defineConfig } from 'vitest/config';
import main from './vitest.config.js';

// `npm run test:generators`: the contract through other repositories' code generators (needs
// `npm ci --prefix test/generators` and GENERATOR_NODE, a Node 22.18+ binary, for hey-api and orval).
export default defineConfig({
  resolve: main.resolve,
  test: { include: ['test/generators/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 240_000 },
});
