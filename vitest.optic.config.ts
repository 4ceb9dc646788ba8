import { defineConfig } from 'vitest/config';

// `npm run test:optic`: Optic's verdicts beside the kit's breaking-change checker (about 0.3 s of CPU a
// spec pair, so kept out of the main suite; CI runs it).
export default defineConfig({
  test: { include: ['test/optic/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
