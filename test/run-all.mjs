#!/usr/bin/env node
// Runs every suite (vitest: unit + integration; Playwright: e2e in Chromium) and closes
// with one line that counts them all: "total: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const reports = join(root, 'test-results');
mkdirSync(reports, { recursive: true });
const only = process.argv.slice(2); // e.g. `npm test -- unit` / `e2e`
const want = (s) => only.length === 0 || only.includes(s);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const totals = { passed: 0, failed: 0, skipped: 0 };
let exit = 0;

function run(args, env = {}) {
  const r = spawnSync(npx, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) exit = 1;
}

if (want('vitest')) {
  const out = join(reports, 'vitest.json');
  run(['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`]);
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += j.numPassedTests;
    totals.failed += j.numFailedTests;
    totals.skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  } else exit = 1;
}

function playwright(name, extraArgs) {
  const out = join(reports, `${name}.json`);
  run(['playwright', 'test', ...extraArgs, '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
  if (existsSync(out)) {
    const s = JSON.parse(readFileSync(out, 'utf8')).stats ?? {};
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += s.unexpected ?? 0;
    totals.skipped += s.skipped ?? 0;
  } else exit = 1;
}

// The UI in Chromium against `lamina serve`.
if (want('e2e')) playwright('playwright', []);
// The Electron app itself: runs where an Electron binary exists, reports skipped (with the reason) where not.
if (want('electron')) playwright('playwright-electron', ['-c', 'test/e2e-electron/playwright.config.ts']);

console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.passed === 0) exit = 1;
process.exit(exit);
