/**
 * The ensembles plugin in the UI: on the Train page, choosing the Bagging trainer shows its declared
 * parameters as a form (defaults as placeholders, task-only parameters hidden for other tasks); the
 * value set there reaches the run; the run's "Ensemble members" view lists one row per member.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServer, type E2EServer } from './support/server';
import { shot, watchConsole } from './support/page';

const iris = resolve(__dirname, '../../resources/samples/iris.csv');
let server: E2EServer;
let workspace: string;

test.beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'lamina-e2e-ensembles-'));
  server = await spawnServer(workspace);
  const res = await fetch(`${server.origin}/api/datasets.import`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ path: iris, name: 'iris' }),
  });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
});
test.afterAll(async () => {
  await server?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test('a trainer’s parameters as a form; the members view of the run', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(server.url);
  await page.getByTestId('nav-train').click();
  await page.getByTestId('train-trainer').click();
  await page.locator('.n-base-select-option', { hasText: 'Bagging (ensembles)' }).click();
  const form = page.getByTestId('trainer-params');
  await expect(form).toBeVisible();
  const members = page.getByTestId('trainer-param-members').locator('input');
  await expect(members).toHaveAttribute('placeholder', '10 (default)');
  await expect(form.locator('[data-param="base"]')).toContainText('Base learner');
  await members.fill('3');
  await members.blur();
  await shot(page, '30-trainer-params');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });

  await page.getByRole('button', { name: 'Open in Experiments' }).click();
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await page.locator('.n-tabs-tab', { hasText: 'Ensemble members' }).click();
  const root = page.frameLocator('[data-testid="plugin-view-frame"]').locator('#lamina-view-root');
  await expect(root.locator('tr[data-member]')).toHaveCount(3);
  await expect(root).toContainText('gain');
  await shot(page, '31-ensemble-members');
  expect(errors).toEqual([]);
});
