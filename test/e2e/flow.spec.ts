/**
 * The main path through the UI against the real server: import iris.csv, open the MLP
 * template and see its summary, train it and watch the loss chart grow, find the run in the
 * experiments table, train a second and compare the two. Any console error fails the test.
 */
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { openApp, shot, watchConsole } from './support/page';

const iris = resolve(__dirname, '../../resources/samples/iris.csv');

test.describe.configure({ mode: 'serial' });

test('import, inspect, train, compare', async ({ page }) => {
  const errors = watchConsole(page);
  await openApp(page);

  // The token moved from the address bar into sessionStorage.
  expect(page.url()).not.toContain('token=');
  expect(await page.evaluate(() => sessionStorage.getItem('lamina.token'))).toBe(process.env.LAMINA_E2E_TOKEN);
  await expect(page.getByTestId('datasets-empty')).toBeVisible();
  await shot(page, '00-datasets-empty');

  // ── Datasets ──
  await page.getByTestId('dataset-import-input').setInputFiles(iris);
  await expect(page.getByTestId('dataset-import-settings')).toBeVisible();
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('dataset-row').first()).toContainText('iris');
  await expect(page.getByTestId('dataset-detail')).toContainText('150 rows');
  await expect(page.getByTestId('dataset-columns')).toContainText('sepal');
  await shot(page, '01-datasets');
  await page.locator('.n-tabs-tab', { hasText: 'Class balance' }).click();
  await expect(page.getByTestId('chart-class-balance')).toBeVisible();
  await page.locator('.n-tabs-tab', { hasText: 'Preview' }).click();
  await expect(page.getByTestId('dataset-preview')).toContainText('setosa');
  await shot(page, '02-datasets-preview');

  // A broken file shows its error inline, with the line.
  await page.getByTestId('dataset-import-input').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b,label\n1,2,x\n3,oops,y\n4\n') });
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.getByTestId('dataset-import-error')).toBeVisible();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await shot(page, '03-datasets-import-error');
  const importErrorText = await page.getByTestId('dataset-import-error').innerText();
  // The dispatcher reports a core error (not a crash): a typed message with the position.
  expect(importErrorText).toMatch(/line|column|field/i);
  // Console errors from failed fetches of the import are the app's own, expected, 4xx responses.
  errors.splice(0, errors.length, ...errors.filter((e) => !/status of 400|HTTP 400 POST .*\/api\/datasets\.importUpload/.test(e)));
  await page.locator('[data-testid="dataset-import-error"] .n-base-close').click();

  // ── Models ──
  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('model-template').first()).toBeVisible();
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  await expect(page.getByTestId('model-summary')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-summary')).toContainText('Dense');
  await expect(page.getByTestId('model-editor').locator('.monaco-editor')).toBeVisible();
  await shot(page, '04-models');

  // ── Train ──
  await page.getByTestId('nav-train').click();
  // Opens with the most recent dataset and a fitting template preselected.
  await expect(page.getByTestId('train-dataset-select')).toContainText('iris');
  await expect(page.getByTestId('train-model-select')).toContainText(/multilayer perceptron/i);
  await page.getByTestId('train-epochs').locator('input').fill('25');
  await page.getByTestId('train-batch-size').locator('input').fill('8');
  await page.getByTestId('train-seed').locator('input').fill('1');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible();
  const chart = page.getByTestId('chart-loss');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 120_000 }).toBeGreaterThan(0);
  const early = Number(await chart.getAttribute('data-points'));
  // The chart grows while the run trains; on a quiet machine the run may already be done at the first read.
  const status = page.getByTestId('train-status');
  await expect
    .poll(async () => Number(await chart.getAttribute('data-points')) > early || (await status.getAttribute('data-status')) === 'completed', { timeout: 120_000 })
    .toBe(true);
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });
  await page.mouse.move(700, 20);
  await shot(page, '05-train');

  // ── Experiments ──
  await page.getByTestId('nav-experiments').click();
  await expect(page.locator('[data-testid="run-row"][data-status="completed"]')).toHaveCount(1);
  await page.getByTestId('run-row').first().locator('td').nth(2).click();
  await expect(page.getByTestId('run-detail')).toContainText('Backend');
  await page.waitForTimeout(500); // drawer slide-in
  await shot(page, '06-run-detail');
  await page.locator('.n-tabs-tab', { hasText: 'Evaluation' }).click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  await shot(page, '07-run-evaluation');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-detail')).toBeHidden();

  // A second run with another seed and learning rate (Ctrl+Enter starts it).
  await page.getByTestId('nav-train').click();
  await page.getByTestId('train-seed').locator('input').fill('2');
  await page.getByTestId('train-lr').locator('input').fill('0.05');
  await page.getByTestId('train-lr').locator('input').blur();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', /running|completed/, { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });

  await page.keyboard.press('Control+4');
  await expect(page.locator('[data-testid="run-row"][data-status="completed"]')).toHaveCount(2);
  await expect(page.getByTestId('runs-table')).toHaveAttribute('data-loading', 'false');
  await shot(page, '08-experiments');
  for (const row of await page.getByTestId('run-row').all()) await row.locator('.n-checkbox').click();
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('run-compare-panel')).toBeVisible();
  await expect(page.getByTestId('compare-params')).toContainText('seed');
  await page.waitForTimeout(500);
  await shot(page, '09-compare');
  await page.keyboard.press('Escape');

  // Dark theme renders too.
  await page.getByTestId('theme-toggle').click();
  await page.keyboard.press('Control+3');
  await shot(page, '10-train-dark');

  expect(errors).toEqual([]);
});
