/**
 * Plugins in the UI, on a workspace of its own: the fixture plugin good-js (importer, template,
 * trainer, metric, view) is installed through the API; the Plugins page lists it and switches
 * it off and on; its template shows with its origin; a run's detail shows its view in a
 * sandboxed iframe that gets the run through the bridge and cannot reach the app; Replay
 * trains the run again and the new run appears.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServer, type E2EServer } from './support/server';
import { shot, watchConsole } from './support/page';

const goodJs = resolve(__dirname, '../fixtures/plugins/good-js');
const iris = resolve(__dirname, '../../resources/samples/iris.csv');
let server: E2EServer;
let workspace: string;
let runId: string;

async function api<T = unknown>(method: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value;
}

test.beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'lamina-e2e-plugins-'));
  server = await spawnServer(workspace);
  const info = await api<{ id: string; enabled: boolean; error: string | null }>('plugins.install', { path: goodJs });
  expect(info).toMatchObject({ id: 'good-js', enabled: true, error: null });
  await api('datasets.import', { path: iris, name: 'iris' });
  const run = await api<{ id: string }>('runs.start', { dataset: 'iris', model: 'template:mlp', runName: 'probe-me', config: { epochs: 3, seed: 7 } });
  runId = run.id;
  await expect
    .poll(async () => (await api<{ run: { status: string } }>('runs.detail', { runId })).run.status, { timeout: 300_000, intervals: [250] })
    .toBe('completed');
});
test.afterAll(async () => {
  await server?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

const row = (page: Page) => page.locator('[data-testid="plugin-row"][data-plugin-id="good-js"]');

test('the Plugins page lists the plugin and switches it off and on', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(server.url);
  await page.getByTestId('nav-plugins').click();
  await expect(row(page)).toHaveAttribute('data-enabled', 'true');
  await expect(row(page).getByTestId('plugin-version')).toHaveText('1.2.0');
  await expect(row(page).getByTestId('plugin-origin')).toHaveText('workspace');
  const contributions = row(page).getByTestId('plugin-contributions');
  for (const id of ['pipe-table', 'good-linear', 'bagged-logreg', 'error_rate', 'probe', 'hello']) await expect(contributions).toContainText(id);
  // A command runs in a host process; its answer shows under the plugin.
  await row(page).locator('[data-testid="plugin-command"][data-command-id="hello"]').click();
  await expect(row(page).getByTestId('plugin-command-result')).toContainText('"greeting": "hello world"');
  await shot(page, '20-plugins');

  await row(page).getByTestId('plugin-toggle').click();
  await expect(row(page)).toHaveAttribute('data-enabled', 'false');
  // The first-party plugins' views stay; good-js's are gone.
  expect((await api<{ pluginId: string }[]>('plugins.views', {})).filter((v) => v.pluginId === 'good-js')).toEqual([]);
  // Its template leaves the Models view with it.
  await page.getByTestId('nav-models').click();
  await expect(page.locator('[data-testid="model-template"][data-id="mlp"]')).toBeVisible();
  await expect(page.locator('[data-testid="model-template"][data-id="good-linear"]')).toHaveCount(0);

  await page.getByTestId('nav-plugins').click();
  await row(page).getByTestId('plugin-toggle').click();
  await expect(row(page)).toHaveAttribute('data-enabled', 'true');
  await page.getByTestId('plugins-check').click();
  await expect(row(page)).toHaveAttribute('data-enabled', 'true');
  await expect(row(page).getByTestId('plugin-error')).toHaveCount(0);

  await page.getByTestId('nav-models').click();
  const template = page.locator('[data-testid="model-template"][data-id="good-linear"]');
  await expect(template).toHaveAttribute('data-origin', 'good-js');
  await expect(template.getByTestId('template-origin')).toHaveText('good-js');

  // The import picker accepts the plugin's extension; the train form offers its trainer.
  await page.getByTestId('nav-datasets').click();
  await expect(page.getByTestId('dataset-import-input')).toHaveAttribute('accept', /\.pipe/);
  await page.getByTestId('nav-train').click();
  await page.getByTestId('train-trainer').click();
  await expect(page.locator('.n-base-select-option', { hasText: 'Bagged logistic regression' })).toBeVisible();
  await page.keyboard.press('Escape');
  expect(errors).toEqual([]);
});

test("a run's detail shows the plugin view in a sandboxed iframe, fed through the bridge; Replay adds a run", async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(server.url);
  await page.getByTestId('nav-experiments').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  await expect(page.getByTestId('run-detail')).toBeVisible();
  await page.locator('.n-tabs-tab', { hasText: 'Sandbox probe' }).click();

  const iframe = page.getByTestId('plugin-view-frame');
  await expect(iframe).toHaveAttribute('sandbox', 'allow-scripts');
  expect(await iframe.getAttribute('src')).toMatch(/^\/plugin-views\/good-js\/probe\?token=/);
  const root = page.frameLocator('[data-testid="plugin-view-frame"]').locator('#lamina-view-root');
  await expect(root).toContainText('"runStatus":"completed"');
  // The view's JSON, then the bridge's own line about the fixture's unanswered "report" request.
  const text = (await root.textContent())!;
  expect(text).toContain('view error: unknown request "report"');
  const out = JSON.parse(text.slice(0, text.lastIndexOf('}') + 1)) as { attempts: Record<string, string>; runStatus: string; runId: string; unknown: string };
  expect(out.runId).toBe(runId);
  // Opaque origin: the app's DOM, globals and storage are out of reach.
  expect(out.attempts['parent.document']).toMatch(/^threw:/);
  expect(out.attempts['top.lamina']).toMatch(/^threw:/);
  expect(out.attempts['localStorage']).toMatch(/^threw:/);
  expect(out.unknown).toContain('unknown request "deleteEverything"');
  // The view's document URL holds a spent one-time ticket, never the access token.
  const frameUrl = page.frames().find((f) => f.url().includes('/plugin-views/'))!.url();
  expect(frameUrl).toContain('?ticket=');
  expect(frameUrl).not.toContain(server.token);
  await shot(page, '21-plugin-view');

  await page.getByTestId('run-replay').click();
  const result = page.getByTestId('replay-result');
  await expect(result).toBeVisible({ timeout: 300_000 });
  await expect(result).toHaveAttribute('data-match', 'true');
  await expect(result).toContainText('max |Δ|');
  const replayId = await result.getAttribute('data-replay-id');
  await shot(page, '22-replay');
  await page.keyboard.press('Escape');
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${replayId}"]`)).toBeVisible();

  // The fixture reports back with a request the app does not answer ("report"): its rejection
  // inside the sandboxed frame is expected; anything else is not.
  expect(errors.filter((e) => !/unknown request "report"/.test(e))).toEqual([]);
});
