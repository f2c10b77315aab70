/**
 * The Sweeps page against a real server and real training: a bad spec in the form shows its one-line
 * error; a good one is created and started from the page; the trials table fills live, the
 * parallel-coordinates plot draws a line per ended trial, the best trial and the importance panel show;
 * screenshots at 1440×900 and 1024×700, light and dark.
 */
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { callApi, ownServer } from './support/server';
import { shot, watchConsole } from './support/page';

const iris = resolve(__dirname, '../../resources/samples/iris.csv');
const own = ownServer('lamina-e2e-sweeps-');

const SPEC = `method: random
metric: {name: val_accuracy, goal: maximize}
dataset: iris
model: template:mlp
run_cap: 6
seed: 4
parameters:
  learning_rate: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  units: {values: [8, 16, 32]}
  optimizer: {values: [adam, sgd]}
  epochs: {value: 4}
  backend: {value: cpu}
`;

test('create a sweep on the page, watch its trials live, then look at it in every size and theme', async ({ page }) => {
  test.setTimeout(600_000);
  await callApi(own.server, 'datasets.import', { path: iris, name: 'iris' });
  const errors = watchConsole(page);
  await page.goto(own.server.url);
  await page.getByTestId('nav-sweeps').click();
  await expect(page.getByTestId('sweeps-view')).toContainText('No sweeps yet');

  await page.getByTestId('sweep-new').click();
  const spec = page.getByTestId('sweep-spec').locator('textarea');
  await spec.fill(SPEC.replace('method: random', 'method: annealing'));
  await page.getByTestId('sweep-create-submit').click();
  await expect(page.getByTestId('sweep-spec-error')).toHaveText('sweep spec: unknown method "annealing"; choose grid, random or bayes');
  await spec.fill(SPEC);
  await page.getByTestId('sweep-create-submit').click();
  await expect(page.getByTestId('sweep-create')).toBeHidden();
  await expect(page.getByTestId('sweep-status')).toHaveText('created');

  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-status')).toHaveText('running');
  // Live: the table gains rows while the sweep runs, without a reload.
  await expect(page.locator('[data-testid="sweep-trial"][data-status="completed"]').first()).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('sweep-stop')).toBeVisible();
  await shot(page, '70-sweep-running');
  await expect(page.getByTestId('sweep-status')).toHaveText('finished', { timeout: 400_000 });
  await expect(page.locator('[data-testid="sweep-trial"][data-status="completed"]')).toHaveCount(6);
  await expect(page.getByTestId('sweep-progress')).toHaveText('6 / 6 trials ended');
  await expect(page.getByTestId('sweep-parallel')).toHaveAttribute('data-points', '6');
  const [sweep] = await callApi<{ best: { metric: number; idx: number } }[]>(own.server, 'sweeps.list', {});
  const best = sweep!.best;
  await expect(page.getByTestId('sweep-best')).toContainText(`trial ${best.idx}`);
  await expect(page.locator('[data-testid="sweep-trial"].best')).toHaveCount(1);
  await expect(page.getByTestId('sweep-importance').locator('.imp-row[data-param="learning_rate"]')).toBeVisible();

  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const dark of [false, true]) {
      await page.evaluate((d) => localStorage.setItem('lamina.theme', d ? 'dark' : 'light'), dark);
      await page.reload();
      await page.getByTestId('nav-sweeps').click();
      await expect(page.getByTestId('sweep-parallel')).toBeVisible();
      await page.waitForTimeout(500);
      await shot(page, `71-sweeps-${w}x${h}-${dark ? 'dark' : 'light'}`);
    }
  }
  // The one refused spec above answers 400 on purpose; nothing else may fail.
  expect(errors.filter((e) => !/sweeps\.create/.test(e))).toEqual([]);
  expect(errors.filter((e) => /^HTTP 400 POST .*sweeps\.create$/.test(e))).toHaveLength(1);
});
