/**
 * Electron launch tests (Playwright `_electron`). Run after `npm run build`:
 *   npx playwright test -c test/e2e-electron/playwright.config.ts
 * Where the Electron binary is not installed they report as skipped, with the reason.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  timeout: 300_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/e2e-electron',
});
