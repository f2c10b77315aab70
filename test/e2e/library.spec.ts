/**
 * The parts of the lab a person uses every day beyond the main flow, on a workspace of its own:
 * save a template as their own model, edit and save it, rename, duplicate and delete; train the
 * saved model; give the run notes and tags and find it by a tag; export it; delete it.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownServer } from './support/server';
import { shot, watchConsole } from './support/page';

const own = ownServer('lamina-e2e-library-');

async function answerPrompt(page: Page, value: string) {
  const input = page.getByTestId('model-name-input').locator('input');
  await expect(input).toBeVisible();
  await input.fill(value);
  await input.press('Enter');
  await expect(input).toBeHidden();
}

const savedModel = (page: Page, name: string) => page.locator(`[data-testid="model-item"][data-name="${name}"]`);

test('my models: save as, edit and save, rename, duplicate, delete; train one; notes, tags, export, delete the run', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(own.server.url);
  await page.getByTestId('dataset-sample-iris').click();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);

  // ── Save a template as my own model, then edit and save it ──
  await page.getByTestId('nav-models').click();
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  await page.getByTestId('model-save').click();
  await answerPrompt(page, 'iris-mlp');
  await expect(savedModel(page, 'iris-mlp')).toBeVisible();
  const editor = page.getByTestId('model-editor').locator('.monaco-editor');
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n// tuned for iris', { delay: 5 });
  await expect(page.getByText('unsaved')).toBeVisible();
  await page.keyboard.press('Control+s');
  await expect(page.getByText('unsaved')).toBeHidden();
  const file = join(own.workspace, 'models', 'iris-mlp.ts');
  expect(readFileSync(file, 'utf8')).toContain('// tuned for iris');

  // ── Rename, duplicate, delete ──
  await page.getByRole('button', { name: 'Rename' }).click();
  await answerPrompt(page, 'iris-net');
  await expect(savedModel(page, 'iris-net')).toBeVisible();
  await expect(savedModel(page, 'iris-mlp')).toHaveCount(0);
  await page.getByRole('button', { name: 'Duplicate' }).click();
  await answerPrompt(page, 'iris-net-copy');
  await expect(savedModel(page, 'iris-net-copy')).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.locator('.n-popconfirm').getByRole('button', { name: /confirm|ok|yes/i }).click();
  await expect(savedModel(page, 'iris-net-copy')).toHaveCount(0);
  await expect(savedModel(page, 'iris-net')).toBeVisible();
  await shot(page, '40-my-models');

  // ── Train the saved model ──
  await savedModel(page, 'iris-net').click();
  await page.getByTestId('model-train').click();
  await expect(page.getByTestId('train-model-select')).toContainText('iris-net');
  await page.getByTestId('train-epochs').locator('input').fill('5');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 300_000 });

  // ── Notes and tags on the run; find it by its tag ──
  await page.getByTestId('nav-experiments').click();
  const row = page.locator('[data-testid="run-row"][data-status="completed"]');
  await expect(row).toHaveCount(1);
  await row.locator('td').nth(2).click();
  await expect(page.getByTestId('run-detail')).toContainText('iris-net');
  await page.locator('.n-tabs-tab', { hasText: 'Notes & tags' }).click();
  await page.getByTestId('run-notes').locator('textarea').fill('first try with the saved model');
  await page.getByRole('button', { name: 'Save notes' }).click();
  await page.getByTestId('run-detail').locator('.n-dynamic-tags button').click();
  await page.getByTestId('run-detail').locator('.n-dynamic-tags input').fill('baseline');
  await page.getByTestId('run-detail').locator('.n-dynamic-tags input').press('Enter');
  await expect(page.getByTestId('run-detail').locator('.n-dynamic-tags')).toContainText('baseline');
  await shot(page, '41-run-notes');
  await page.keyboard.press('Escape');

  const runId = await row.getAttribute('data-run-id');
  const detail = await fetch(`${own.server.origin}/api/runs.detail`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${own.server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ runId }),
  }).then((r) => r.json() as Promise<{ value: { run: { notes: string }; tags: Record<string, string> } }>);
  expect(detail.value.run.notes).toBe('first try with the saved model');
  expect(Object.keys(detail.value.tags)).toContain('baseline');

  await page.getByTestId('runs-search').locator('input').fill('baseline');
  await page.getByTestId('runs-search').locator('input').press('Enter');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByTestId('runs-search').locator('input').fill('no-such-tag');
  await page.getByTestId('runs-search').locator('input').press('Enter');
  await expect(page.getByTestId('run-row')).toHaveCount(0);
  await page.getByTestId('runs-search').locator('input').fill('');
  await page.getByTestId('runs-search').locator('input').press('Enter');
  await expect(page.getByTestId('run-row')).toHaveCount(1);

  // ── Export, then delete ──
  await page.getByTestId('run-row').first().locator('.n-checkbox').click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync((await (await download).path())!, 'utf8');
  expect(csv).toContain(runId!);
  expect(csv).toContain('test_accuracy');
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.locator('.n-popconfirm').getByRole('button', { name: /confirm|ok|yes/i }).click();
  await expect(page.getByTestId('runs-empty')).toBeVisible();
  expect(errors).toEqual([]);
});
