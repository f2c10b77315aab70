/**
 * The Explain tab in run detail, on a workspace of its own: a CNN trained on generated PNG lesion
 * phantoms (Grad-CAM overlays beside prediction and truth, still there after a reload) and an MLP
 * on iris (permutation-importance bars). Screenshots are kept under test-results/screenshots.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { callApi, ownServer } from './support/server';
import { shot, watchConsole } from './support/page';
import { sharedDatasets } from '../helpers/cli';

const own = ownServer('lamina-e2e-explain-');

const api = <T>(method: string, input: unknown) => callApi<T>(own.server, method, input);

/** 28×28 grey PNGs: "lesion" ones hold a bright disk at a random place, "normal" ones only noise. */
async function phantoms(n: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lamina-e2e-phantoms-'));
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const c of ['lesion', 'normal']) mkdirSync(join(dir, c));
  for (let i = 0; i < n; i++) {
    const lesion = i % 2 === 0;
    const cy = 4 + Math.floor(rnd() * 20);
    const cx = 4 + Math.floor(rnd() * 20);
    const px = Buffer.alloc(28 * 28);
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) px[r * 28 + c] = lesion && (r - cy) ** 2 + (c - cx) ** 2 <= 9 ? 220 : 60 + Math.floor(rnd() * 40);
    await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(dir, lesion ? 'lesion' : 'normal', `img-${i}.png`));
  }
  return dir;
}

async function trained(dataset: string, model: string, config: Record<string, unknown>): Promise<string> {
  const run = await api<{ id: string }>('runs.start', { dataset, model, config });
  await expect
    .poll(async () => (await api<{ run: { status: string } }>('runs.detail', { runId: run.id })).run.status, { timeout: 170_000, intervals: [1000] })
    .toBe('completed');
  return run.id;
}

async function openExplain(page: Page, runId: string) {
  await page.goto(own.server.url);
  await page.getByTestId('nav-experiments').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).locator('td').nth(2).click();
  await expect(page.getByTestId('run-detail')).toContainText('Backend');
  await page.locator('.n-tabs-tab', { hasText: 'Explain' }).click();
  await expect(page.getByTestId('explain-panel')).toBeVisible();
}

test('Explain tab: Grad-CAM overlays on an image run (kept after a reload), permutation importance on a tabular run', async ({ page }) => {
  test.setTimeout(420_000);
  const errors = watchConsole(page);
  const images = await api<{ id: string }>('datasets.import', { path: await phantoms(160), name: 'phantoms' });
  const cnn = await trained(images.id, 'template:small-cnn', { epochs: 6, batchSize: 32, seed: 3, backend: 'wasm', params: { dropout: 0, filters: 8 } });
  const iris = await api<{ id: string }>('datasets.import', { path: `${sharedDatasets}/iris.csv`, name: 'iris', target: 'species' });
  const mlp = await trained(iris.id, 'template:mlp', { epochs: 20, seed: 1, backend: 'cpu' });

  await openExplain(page, cnn);
  await page.getByText('Test samples').click();
  await page.getByTestId('explain-run').click();
  const samples = page.getByTestId('explain-sample');
  await expect(samples).toHaveCount(6, { timeout: 120_000 });
  await expect(samples.first().locator('img')).toBeVisible();
  await expect(samples.first()).toContainText('truth');
  await expect(page.getByTestId('explain-head')).toContainText('Grad-CAM');
  await page.waitForTimeout(300);
  await shot(page, 'explain-image-gradcam');

  // Saved with the run: a fresh page shows it again without computing anything.
  await page.reload();
  await openExplain(page, cnn);
  await expect(page.getByTestId('explain-sample')).toHaveCount(6);
  await expect(page.getByTestId('explain-sample').first().locator('img')).toBeVisible();

  await openExplain(page, mlp);
  await page.getByTestId('explain-run').click();
  const bars = page.getByTestId('explain-feature');
  await expect(bars).toHaveCount(4, { timeout: 120_000 });
  await expect(page.getByTestId('explain-features')).toContainText('Drop in test accuracy');
  await page.waitForTimeout(300);
  await shot(page, 'explain-tabular-permutation');
  expect(errors).toEqual([]);
});
