/**
 * The recommenders plugin's "Recommendations" run-detail view on MovieLens-small (titles joined from
 * movies.csv): pick a user and k, see the user's history and the top-k with scores, read from the run's
 * saved model by the plugin's `recommend` command (plugin API 1.2). Also the dataset's interactions
 * summary on the Datasets page and the NeuMF trainer's declared params as a form on the Train page.
 * Screenshots at 1440×900 and 1024×700, light and dark, under test-results/screenshots.
 */
import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { callApi, ownServer } from './support/server';
import { shot, watchConsole } from './support/page';
import { sharedDatasets } from '../helpers/cli';

const ML = `${sharedDatasets}/movielens-small`;
const own = ownServer('lamina-e2e-rec-');
const api = <T>(method: string, input: unknown) => callApi<T>(own.server, method, input);

test.skip(!existsSync(`${ML}/ratings.csv`), 'MovieLens-small is not in ../shared/datasets');

async function openRecommendations(page: Page, runId: string) {
  await page.goto(own.server.url);
  await page.getByTestId('nav-experiments').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).locator('td').nth(2).click();
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await page.locator('.n-tabs-tab', { hasText: 'Recommendations' }).click();
}

test('Recommendations view: a user’s history and top-k from a trained mf run', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = watchConsole(page);
  const ds = await api<{ id: string }>('datasets.import', {
    path: `${ML}/ratings.csv`, name: 'movielens-small', importer: 'recommenders/interactions', seed: 1, options: { items: `${ML}/movies.csv` },
  });
  const run = await api<{ id: string }>('runs.start', { dataset: ds.id, model: 'template:mlp', config: { trainer: 'recommenders/mf', seed: 1, params: { epochs: 4 } } });
  await expect
    .poll(async () => (await api<{ run: { status: string } }>('runs.detail', { runId: run.id })).run.status, { timeout: 400_000, intervals: [2000] })
    .toBe('completed');

  // The Datasets page: the interactions summary (users, items, density, split, histogram, long tail).
  await page.goto(own.server.url);
  await page.getByTestId('nav-datasets').click();
  await page.locator('[data-testid="dataset-row"][data-name="movielens-small"]').click();
  await page.locator('.n-tabs-tab', { hasText: 'Interactions' }).click();
  const summary = page.getByTestId('interactions-summary');
  await expect(summary.getByTestId('ix-users')).toHaveText('671');
  await expect(summary.getByTestId('ix-items')).toHaveText('9,066');
  await expect(summary.getByTestId('ix-density')).toHaveText('1.64 %');
  await expect(summary.getByTestId('ix-split')).toContainText('random: train 80,003');
  await expect(summary.getByTestId('chart-rating-histogram')).toBeVisible();
  await expect(summary.getByTestId('chart-long-tail')).toBeVisible();
  await page.waitForTimeout(500);
  await shot(page, '61-interactions-summary');

  // The Train page: NeuMF's declared params as a form.
  await page.getByTestId('nav-train').click();
  // The menu is a virtual list: scroll it until the option exists.
  const neumf = page.locator('.n-base-select-option', { hasText: 'NeuMF (recommenders)' });
  await expect(async () => {
    if (!(await page.locator('.n-base-select-option').first().isVisible())) await page.getByTestId('train-trainer').click();
    await page.locator('.n-base-select-option').first().hover({ timeout: 2_000 });
    await page.mouse.wheel(0, 400);
    await neumf.click({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId('trainer-param-layers').locator('input')).toHaveAttribute('placeholder', '32,16,8 (default)');
  await expect(page.getByTestId('trainer-param-negatives').locator('input')).toHaveAttribute('placeholder', '4 (default)');
  await shot(page, '62-neumf-params');

  await openRecommendations(page, run.id);
  const view = page.frameLocator('[data-testid="plugin-view-frame"]').locator('#lamina-view-root');
  const recs = view.getByTestId('rec-recommendations');
  await expect(recs.locator('tr')).toHaveCount(11, { timeout: 120_000 }); // header + 10
  await expect(view.getByTestId('rec-status')).toContainText('mf: top 10 for user 1');
  const history = view.getByTestId('rec-history');
  await expect(view.locator('h3', { hasText: 'History (' })).toBeVisible();
  // titles come from movies.csv; nothing the user already rated is recommended
  const recTitles = await recs.locator('tr td:nth-child(3)').allTextContents();
  expect(recTitles.filter((t) => t !== '—').length).toBeGreaterThan(5);
  const seen = new Set(await history.locator('tr td:nth-child(1)').allTextContents());
  for (const item of await recs.locator('tr td:nth-child(2)').allTextContents()) expect(seen.has(item), item).toBe(false);

  // another user and k
  await view.getByTestId('rec-user').selectOption('414');
  await view.getByTestId('rec-k').fill('5');
  await view.getByRole('button', { name: 'Show' }).click();
  await expect(view.getByTestId('rec-status')).toContainText('top 5 for user 414');
  await expect(recs.locator('tr')).toHaveCount(6);

  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const dark of [false, true]) {
      await page.evaluate((d) => localStorage.setItem('lamina.theme', d ? 'dark' : 'light'), dark);
      await openRecommendations(page, run.id);
      await expect(recs.locator('tr')).toHaveCount(11, { timeout: 120_000 });
      await page.waitForTimeout(300);
      await shot(page, `60-recommendations-${w}x${h}-${dark ? 'dark' : 'light'}`);
      await page.goto(own.server.url); // closes the run drawer
      await page.getByTestId('nav-datasets').click();
      await page.locator('[data-testid="dataset-row"][data-name="movielens-small"]').click();
      await page.locator('.n-tabs-tab', { hasText: 'Interactions' }).click();
      await expect(page.getByTestId('chart-long-tail')).toBeVisible();
      await page.waitForTimeout(500);
      await shot(page, `61-interactions-summary-${w}x${h}-${dark ? 'dark' : 'light'}`);
    }
  }
  expect(errors).toEqual([]);
});
