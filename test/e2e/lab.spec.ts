/**
 * The lab as a practitioner uses it every day, on a workspace of its own: Train ▶ trains what the
 * editor shows; a run started by the CLI shows up in a freshly opened page and can be cancelled
 * there; a live chart can be hovered while points stream in; the chart toolbar (smoothing, x-axis,
 * log scale); template defaults reach the Train form; the Models page at 1024×700.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startCli, collect } from '../helpers/cli';
import { callApi, ownServer } from './support/server';
import { eachSizeAndTheme, pick, shot, watchConsole } from './support/page';

const own = ownServer('lamina-e2e-lab-');

const api = <T>(method: string, input: unknown) => callApi<T>(own.server, method, input);

interface Detail {
  run: { id: string; status: string; source: string; modelName: string; config: { epochs: number; batchSize: number } };
}

async function importIris(page: Page) {
  await page.goto(own.server.url);
  const rows = page.getByTestId('dataset-row');
  // Ask the core, not the page: the page may not have listed its datasets yet.
  const datasets = await api<unknown[]>('datasets.list', {});
  if (datasets.length === 0) {
    await page.getByTestId('dataset-sample-iris').click();
    await expect(rows).toHaveCount(1);
  } else {
    await expect(rows).toHaveCount(datasets.length);
  }
}

function box(l: Locator) {
  return l.boundingBox().then((b) => {
    if (!b) throw new Error('element has no box');
    return b;
  });
}
const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

// First in the file: it needs a workspace with no runs yet.
test('a new workspace shows first steps that tick off as the user goes; runs get readable names that can be renamed inline', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto(own.server.url);
  const steps = page.getByTestId('first-steps');
  const step = (id: string) => page.locator(`[data-testid="first-step"][data-step="${id}"]`);
  await expect(steps).toBeVisible();
  await expect(step('import')).toHaveAttribute('data-done', 'false');
  await importIris(page);
  await expect(step('import')).toHaveAttribute('data-done', 'true');
  await expect(steps).toContainText('1 of 4 done');

  // Each open step links to its page.
  await step('model').getByRole('button').click();
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  await expect(page.getByTestId('model-editor')).toBeVisible();
  await page.getByTestId('nav-datasets').click();
  await expect(step('model')).toHaveAttribute('data-done', 'true');

  const { id } = await api<{ id: string }>('runs.start', { dataset: 'iris', model: 'template:mlp', config: { epochs: 2, seed: 3 } });
  await expect.poll(async () => (await api<Detail>('runs.detail', { runId: id })).run.status, { timeout: 120_000 }).toBe('completed');
  await page.getByTestId('nav-train').click();
  await page.getByTestId('nav-datasets').click();
  await expect(step('train')).toHaveAttribute('data-done', 'true');
  await shot(page, '50-first-steps');

  // The run nobody named has a readable generated name; click it to rename, Enter saves.
  const generated = (await api<{ run: { name: string } }>('runs.detail', { runId: id })).run.name;
  expect(generated).toMatch(/^[a-z]+-[a-z]+-\d+$/);
  await page.getByTestId('nav-experiments').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  await expect(row).toContainText(generated);
  await row.click();
  await page.getByTestId('run-name').click();
  await page.getByTestId('run-name-input').locator('input').fill('baseline with 2 epochs');
  await page.getByTestId('run-name-input').locator('input').press('Enter');
  await expect(page.getByTestId('run-name')).toHaveText('baseline with 2 epochs');
  await expect(row).toContainText('baseline with 2 epochs');
  expect((await api<{ run: { name: string } }>('runs.detail', { runId: id })).run.name).toBe('baseline with 2 epochs');

  // Artifacts download from run detail, byte for byte.
  await page.locator('.n-tabs-tab', { hasText: 'Artifacts' }).click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="artifact-download"][data-path="evaluation.json"]').click()]);
  expect(file.suggestedFilename()).toBe('evaluation.json');
  expect(JSON.parse(readFileSync(await file.path(), 'utf8')).report).toHaveProperty('confusion');
  // A folder artifact (the saved model) lists its files, each downloadable.
  const [weights] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="artifact-download"][data-path="model/model.json"]').click()]);
  expect(JSON.parse(readFileSync(await weights.path(), 'utf8'))).toHaveProperty('modelTopology');
  await shot(page, '51-run-artifacts');

  // Hidden stays hidden across reloads.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-detail')).toBeHidden();
  await page.getByTestId('nav-datasets').click();
  await page.getByTestId('first-steps-hide').click();
  await expect(steps).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('dataset-row')).toHaveCount(1);
  await expect(steps).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Train ▶ on an edited template trains the edit, says so, and switching models asks before discarding edits', async ({ page }) => {
  const errors = watchConsole(page);
  await importIris(page);
  await page.getByTestId('nav-models').click();
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  const editor = page.getByTestId('model-editor').locator('.monaco-editor');
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n// edited before training', { delay: 5 });
  await expect(page.getByText('unsaved')).toBeVisible();

  // Opening another template asks first; "Keep editing" keeps the edit.
  await page.locator('[data-testid="model-template"][data-id="lenet5"]').click();
  await expect(page.getByText('Discard unsaved edits?')).toBeVisible();
  await page.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByTestId('model-editor')).toContainText('edited before training');

  await page.getByTestId('model-train').click();
  await expect(page.getByTestId('train-unsaved')).toBeVisible();
  await expect(page.getByTestId('train-model-select')).toContainText('unsaved edits');
  await shot(page, '50-train-unsaved-edits');
  await page.getByTestId('train-epochs').locator('input').fill('3');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  const runs = await api<{ items: { id: string }[] }>('runs.list', { limit: 1 });
  const detail = await api<Detail>('runs.detail', { runId: runs.items[0]!.id });
  expect(detail.run.source).toContain('// edited before training');
  expect(detail.run.modelName).toMatch(/edited/);
  expect(errors).toEqual([]);
});

test('template defaults reach the Train form and the run', async ({ page }) => {
  await importIris(page);
  await page.getByTestId('nav-train').click();
  await pick(page, page.getByTestId('train-model-select'), 'Multilayer perceptron');
  const templates = await api<{ id: string; defaults?: { epochs?: number; batchSize?: number } }[]>('templates.list', {});
  const mlp = templates.find((t) => t.id === 'mlp')!;
  expect(mlp.defaults?.epochs).toBeGreaterThan(0);
  await expect(page.getByTestId('train-epochs').locator('input')).toHaveAttribute('placeholder', `${mlp.defaults!.epochs} (model's)`);
  await expect(page.getByTestId('train-batch-size').locator('input')).toHaveAttribute('placeholder', `${mlp.defaults!.batchSize} (model's)`);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  const runs = await api<{ items: { id: string }[] }>('runs.list', { limit: 1 });
  const detail = await api<Detail>('runs.detail', { runId: runs.items[0]!.id });
  expect(detail.run.config.epochs).toBe(mlp.defaults!.epochs);
  expect(detail.run.config.batchSize).toBe(mlp.defaults!.batchSize);
});

test('a run started by the CLI shows up in a freshly opened page with progress and is cancelled from there', async ({ page }) => {
  await importIris(page);
  const cli = startCli(['train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '20000', '--early-stopping', '0', '--backend', 'cpu', '--seed', '3'], { workspace: own.workspace });
  const done = collect(cli);
  try {
    // A fresh page (as after a reload or in a second tab): it learns about the run from the core.
    await page.goto(own.server.url);
    const card = page.getByTestId('active-run');
    await expect(page.getByTestId('nav-running')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('nav-train').click();
    await expect(card).toHaveCount(1, { timeout: 60_000 });
    const runId = await card.getAttribute('data-run-id');
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    await expect(card).toContainText(/epoch \d+\/20000/, { timeout: 60_000 });
    await shot(page, '51-train-active-run-from-cli');

    // The runs table shows it running, with its progress.
    await page.getByTestId('nav-experiments').click();
    await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toContainText(/running \d+%/);
    await page.getByTestId('nav-train').click();

    await card.getByTestId('run-cancel').click();
    const result = await done;
    expect(result.code, result.stderr).not.toBeNull();
    await expect(card).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('nav-running')).toBeHidden();
    const detail = await api<Detail>('runs.detail', { runId });
    expect(detail.run.status).toBe('cancelled');
  } finally {
    if (cli.exitCode === null) cli.kill('SIGKILL');
  }
});

test('a live chart can be hovered while points stream in; smoothing and the x-axis are the user’s', async ({ page }) => {
  const errors = watchConsole(page);
  await importIris(page);
  await page.getByTestId('nav-train').click();
  await pick(page, page.getByTestId('train-model-select'), 'Multilayer perceptron');
  await page.getByTestId('train-epochs').locator('input').fill('20000');
  // Templates stop early by default; this run must keep going until the test cancels it.
  await page.getByTestId('train-patience').locator('input').fill('0');
  await page.getByTestId('train-backend').click();
  await page.locator('.n-base-select-option', { hasText: 'CPU (JavaScript)' }).click();
  await page.getByTestId('train-start').click();
  const chart = page.getByTestId('chart-loss');
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(20);

  const b = await box(chart);
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.55);
  const tooltip = page.locator('.lamina-chart-tooltip').first();
  await expect(tooltip).toBeVisible();
  const before = Number(await chart.getAttribute('data-points'));
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(before + 10);
  // Points kept arriving under the pointer and the tooltip stayed.
  await page.mouse.move(b.x + b.width * 0.5 + 2, b.y + b.height * 0.55);
  await expect(tooltip).toBeVisible();
  await shot(page, '52-live-chart-tooltip');

  // Smoothing and the x-axis: settings that every chart shares and a reload keeps. The pointer leaves the
  // chart first, as a user's does, so the live tooltip is not over the menu.
  await page.mouse.move(5, 5);
  await expect(tooltip).toBeHidden();
  await pick(page, page.getByTestId('chart-x-axis'), 'Relative time');
  await page.getByTestId('chart-log').click();
  await expect(page.getByTestId('chart-x-axis')).toContainText('Relative time');
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('lamina.chartSettings') ?? '{}'));
  expect(saved).toMatchObject({ xAxis: 'relative', logScale: true });
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await pick(page, page.getByTestId('chart-x-axis'), 'Epoch');
  await page.getByTestId('chart-log').click();
  expect(errors).toEqual([]);
});

test('the Models page at 1024×700: a usable editor, no control over another, a fresh summary per model', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await importIris(page);
  await page.getByTestId('nav-models').click();
  // LeNet-5 cannot take iris's 4 features: the summary panel shows that error…
  await page.locator('[data-testid="model-template"][data-id="lenet5"]').click();
  await expect(page.getByTestId('model-error')).toBeVisible({ timeout: 60_000 });
  const editor = page.getByTestId('model-editor');
  await expect(editor).toBeVisible();
  expect((await box(editor)).height).toBeGreaterThanOrEqual(340);
  // Every toolbar button is inside the editor column, clear of the summary panel.
  const inspect = await box(page.locator('.inspect'));
  for (const button of await page.locator('.toolbar button').all()) expect(overlaps(await box(button), inspect)).toBe(false);
  // …and opening the MLP clears it at once: no stale error under "building…", then the MLP's own summary.
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  await expect(page.getByTestId('model-error')).toHaveCount(0);
  await expect(page.getByTestId('model-summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('model-summary')).toContainText(/dense/i);
  await shot(page, '53-models-1024');
});

test('runs table: varying params get columns, a column picker, and grouping with mean ± std over seeds', async ({ page }) => {
  await importIris(page);
  const started: string[] = [];
  for (const [hidden, seed] of [
    ['8', 1],
    ['8', 2],
    ['24', 1],
    ['24', 2],
  ] as const) {
    const r = await api<{ id: string }>('runs.start', { dataset: 'iris', model: 'template:mlp', experiment: 'grouping', config: { epochs: 4, seed, params: { hidden } } });
    started.push(r.id);
  }
  for (const id of started) await expect.poll(async () => (await api<Detail>('runs.detail', { runId: id })).run.status, { timeout: 120_000 }).toBe('completed');

  await page.goto(own.server.url);
  await page.getByTestId('nav-experiments').click();
  await pick(page, page.getByTestId('runs-experiment'), 'grouping');
  const table = page.getByTestId('runs-table');
  await expect(page.getByTestId('run-row')).toHaveCount(4);
  // `hidden` and `seed` vary across these runs, so they have columns; the dataset does not.
  await expect(table.locator('th', { hasText: /^hidden$/ })).toBeVisible();
  await expect(table.locator('th', { hasText: /^dataset$/ })).toHaveCount(0);

  // Column picker: hide a metric column, show a constant param.
  await page.getByTestId('column-picker').click();
  await page.locator('[data-testid="column-toggle"][data-key="metrics.test_accuracy"]').click();
  await page.locator('[data-testid="column-toggle"][data-key="params.dataset"]').click();
  await page.getByTestId('column-picker').click();
  await expect(table.locator('th', { hasText: /^test_accuracy$/ })).toHaveCount(0);
  await expect(table.locator('th', { hasText: /^dataset$/ })).toBeVisible();
  await page.getByTestId('column-picker').click();
  await page.locator('[data-testid="column-toggle"][data-key="metrics.test_accuracy"]').click();
  await page.getByTestId('column-picker').click();
  await expect(table.locator('th', { hasText: /^test_accuracy$/ })).toBeVisible();

  // Group by the hidden sizes: two groups of two seeds, metrics as mean ± std.
  await pick(page, page.getByTestId('runs-group-by'), 'Param: hidden');
  const groups = page.getByTestId('run-group');
  await expect(groups).toHaveCount(2);
  await expect(groups.first()).toHaveText(/hidden = (8|24)/);
  await expect(page.getByTestId('run-group-count').first()).toHaveText('2 runs');
  await expect(table.locator('tbody')).toContainText('±');
  await shot(page, '54-runs-grouped');
  await pick(page, page.getByTestId('runs-group-by'), 'No grouping');
  await expect(page.getByTestId('run-row')).toHaveCount(4);

  // Bulk export: the four runs in one CSV, one header, every row tagged with its run.
  await page.getByTestId('runs-table').locator('thead .n-checkbox').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(file.suggestedFilename()).toBe('runs-4.csv');
  const csv = readFileSync(await file.path(), 'utf8').trim().split('\n');
  expect(csv.filter((l) => l.startsWith('run_id,'))).toHaveLength(1);
  expect(new Set(csv.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(started));
});

test('the shortcuts sheet opens with ?, and the backend is said in plain words', async ({ page }) => {
  await importIris(page);
  await page.locator('body').press('?');
  await expect(page.getByTestId('shortcuts-sheet')).toBeVisible();
  await expect(page.getByTestId('shortcuts-sheet')).toContainText('Ctrl/⌘ + Enter');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcuts-sheet')).toBeHidden();
  await expect(page.locator('[aria-current="page"]')).toHaveAttribute('data-testid', 'nav-datasets');
  await page.getByTestId('nav-train').click();
  await pick(page, page.getByTestId('train-model-select'), 'Multilayer perceptron');
  await page.getByTestId('train-epochs').locator('input').fill('2');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  const line = page.getByTestId('train-backend-line');
  await expect(line).toHaveText(/^Training with (WebAssembly on the CPU|plain JavaScript on the CPU|native TensorFlow)/);
  // The raw reason is one hover away.
  expect(await line.getAttribute('title')).toMatch(/\w/);
});

test('screenshots of the lab at 1440×900 and 1024×700, light and dark', async ({ page }) => {
  test.setTimeout(600_000);
  await importIris(page);
  const { items } = await api<{ items: { id: string; status: string }[] }>('runs.list', { status: 'completed', limit: 1 });
  if (items.length === 0) {
    const run = await api<{ id: string }>('runs.start', { dataset: 'iris', model: 'template:mlp', config: { epochs: 15, seed: 1 } });
    await expect.poll(async () => (await api<Detail>('runs.detail', { runId: run.id })).run.status, { timeout: 120_000 }).toBe('completed');
  }
  await eachSizeAndTheme(page, async (tag) => {
    for (const view of ['train', 'models', 'experiments'] as const) {
      await page.getByTestId(`nav-${view}`).click();
      if (view === 'models') await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
      if (view === 'experiments') {
        await page.getByTestId('run-row').first().click();
        await page.locator('.n-tabs-tab', { hasText: 'Curves' }).click();
      }
      await page.waitForTimeout(400);
      await shot(page, `55-lab-${view}-${tag}`);
      if (view === 'experiments') {
        await page.locator('.n-tabs-tab', { hasText: 'Evaluation' }).click();
        await page.getByTestId('confusion-normalise').click();
        await expect(page.getByTestId('confusion-normalise')).toHaveAttribute('aria-checked', 'true');
        await page.waitForTimeout(300);
        await shot(page, `55-lab-confusion-${tag}`);
      }
      if (view === 'experiments') await page.keyboard.press('Escape');
    }
  });
});
