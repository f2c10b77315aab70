import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdk = fileURLToPath(new URL('./plugins/sdk/src/', import.meta.url));

export default defineConfig({
  resolve: {
    // First-party plugins import the SDK by its package name, exactly as third parties do.
    alias: [
      { find: /^@lamina\/plugin-sdk$/, replacement: `${sdk}index.ts` },
      { find: /^@lamina\/plugin-sdk\/(.*)$/, replacement: `${sdk}$1.ts` },
    ],
  },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/faults/**/*.test.ts', 'plugins/**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/e2e/**'],
    // Training tests fork real host processes; two cores → keep files few at a time.
    maxWorkers: 2,
    // Wide margins: CI shares two cores with other work; tests check behaviour, never speed.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // A model check that builds in under a second can wait far longer for a cold host when the
    // machine is busy; tests of the limit itself pass their own (test/integration/training/stuckHosts).
    env: { LAMINA_INSPECT_TIMEOUT_MS: process.env.LAMINA_INSPECT_TIMEOUT_MS ?? '120000' },
    reporters: ['default'],
  },
});
