/**
 * A new user's first minute, on a workspace of its own: no file at hand, so they start from a
 * built-in sample on the Datasets page, press "Train on it", and Start with what the Train page
 * chose for them. The run completes and learns.
 */
import { expect, test } from '@playwright/test';
import { ownServer } from './support/server';
import { shot, watchConsole } from './support/page';

const own = ownServer('lamina-e2e-samples-');

test('start from a sample dataset and train it with the preselected template', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(own.server.url);
  await expect(page.getByTestId('datasets-empty')).toBeVisible();
  const sample = page.getByTestId('dataset-sample-digits-8x8');
  await expect(sample).toHaveText('Handwritten digits 8×8');
  await expect(sample).toHaveAttribute('title', /CC BY 4\.0/);
  await expect(page.getByTestId('dataset-sample-iris')).toBeVisible();
  await expect(page.getByTestId('dataset-sample-breast-cancer-wisconsin')).toBeVisible();
  await shot(page, '30-datasets-samples');

  await sample.click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(page.getByTestId('dataset-row').first()).toContainText('digits-8x8');
  await expect(page.getByTestId('dataset-detail')).toContainText('1797 rows');
  await expect(page.getByTestId('dataset-columns')).toContainText('digit');

  await page.getByTestId('dataset-detail').getByText('Train on it').click();
  await expect(page.getByTestId('train-dataset-select')).toContainText('digits-8x8');
  await expect(page.getByTestId('train-model-select')).not.toContainText('Select');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });
  await shot(page, '31-train-sample');

  const res = await fetch(`${own.server.origin}/api/runs.list`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${own.server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ limit: 10 }),
  });
  const body = (await res.json()) as { ok: boolean; value: { items: { status: string; metrics: Record<string, number> }[] } };
  expect(body.value.items).toHaveLength(1);
  expect(body.value.items[0]!.status).toBe('completed');
  expect(body.value.items[0]!.metrics.test_accuracy).toBeGreaterThanOrEqual(0.9);
  expect(errors).toEqual([]);
});
