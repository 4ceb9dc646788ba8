import { defineConfig } from 'vitest/config';

// `npm run test:consumer`: the packed package in a fresh project (slow: npm pack and npm install).
export default defineConfig({
  test: { include: ['test/consumer/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 240_000 },
});
