import { defineConfig } from 'vitest/config';

// `npm run test:docs`: the docs site in Debian's Chromium (needs /usr/bin/chromium).
export default defineConfig({
  test: { include: ['test/docs/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
});
