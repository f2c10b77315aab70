import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'plugins/**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/e2e/**'],
    // Training tests fork real host processes; two cores → keep files few at a time.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
