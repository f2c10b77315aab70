/**
 * `npm run bench:ui`: how fast the UI opens from `lamina serve`, in Debian's Chromium through
 * Playwright, each try in a fresh browser context (empty cache): first meaningful paint (the
 * navigation is on screen), the Models page's editor ready to type, bytes transferred and the
 * renderer's size on disk. Uses the built renderer (out/renderer; `npm run build` first) and the
 * server from sources. Prints tables; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const ROOT = resolve(__dirname, '..', '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      const s = dirSize(join(dir, e.name));
      bytes += s.bytes;
      files += s.files;
    } else if (!/\.(br|gz)$/.test(e.name)) {
      bytes += statSync(join(dir, e.name)).size;
      files++;
    }
  }
  return { bytes, files };
}

async function startServe(workspace: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/e2e/support/serve.ts'), workspace], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\n')) res(buf.split('\n')[0]);
    });
    child.on('exit', (c) => rej(new Error(`serve exited ${c}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, stop: () => child.kill('SIGTERM') };
}

export async function benchUi(tries = 3) {
  const workspace = mkdtempSync(join(tmpdir(), 'lamina-ui-bench-'));
  const server = await startServe(workspace);
  const browser = await chromium.launch({
    executablePath: process.env.LAMINA_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const rows: { fmp: number; fcp: number; editor: number; firstBytes: number; editorBytes: number }[] = [];
  try {
    for (let i = 0; i < tries; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      let bytes = 0;
      page.on('requestfinished', async (req) => {
        const sizes = await req.sizes().catch(() => null);
        if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      });
      const t0 = Date.now();
      await page.goto(server.url);
      await page.getByTestId('nav-datasets').waitFor({ state: 'visible', timeout: 120_000 });
      const fmp = Date.now() - t0;
      const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
      await page.waitForLoadState('networkidle');
      const firstBytes = bytes;
      await page.getByTestId('nav-models').click();
      await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
      const lines = page.getByTestId('model-editor').locator('.monaco-editor .view-lines');
      await lines.filter({ hasText: 'createModel' }).waitFor({ state: 'visible', timeout: 120_000 });
      await lines.click();
      await page.getByTestId('model-editor').locator('.monaco-editor.focused').waitFor({ timeout: 60_000 });
      const editor = Date.now() - t0;
      await page.waitForLoadState('networkidle');
      rows.push({ fmp, fcp: Math.round(fcp), editor, firstBytes, editorBytes: bytes });
      await context.close();
    }
  } finally {
    await browser.close();
    server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
  const size = dirSize(join(ROOT, 'out', 'renderer'));
  const assets = readdirSync(join(ROOT, 'out', 'renderer', 'assets')).filter((f) => f.endsWith('.js'));
  return {
    rows,
    table: {
      'first meaningful paint (nav shown), ms': median(rows.map((r) => r.fmp)),
      'first contentful paint, ms': median(rows.map((r) => r.fcp)),
      'Models page ready to type (from load), ms': median(rows.map((r) => r.editor)),
      'transferred to first paint, KiB': Math.round(median(rows.map((r) => r.firstBytes)) / 1024),
      'transferred incl. editor, KiB': Math.round(median(rows.map((r) => r.editorBytes)) / 1024),
      'renderer on disk, MiB': Number((size.bytes / 2 ** 20).toFixed(1)),
      'renderer JS files': assets.length,
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === __filename) {
  const tries = Number(process.argv.find((a) => a.startsWith('--tries='))?.slice(8) ?? 3);
  benchUi(tries)
    .then((r) => {
      console.log(`UI open timing (lamina serve, Chromium, fresh context each, median of ${r.rows.length}; goals: paint ≤ 1500 ms, editor ≤ 3000 ms)`);
      console.table(r.table);
      console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
