import { defineConfig } from 'vitest/config';
import main from './vitest.config.js';

// `npm run test:docs`: the docs site in Debian's Chromium (needs /usr/bin/chromium).
export default defineConfig({
  resolve: main.resolve,
  test: { include: ['test/docs/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
