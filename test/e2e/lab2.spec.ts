/**
 * The lab, second part (issue 14): the model's own parameters and gradient clipping in the Train
 * form; one colour per run across the compare grid and the runs table; a run's Source tab with a
 * diff against its template; system metrics in their own panel; a gallery of misclassified test
 * images; the Datasets page's image grids, per-column distributions from a chosen split, labelled
 * split fields and a searchable target; a template whose plugin is disabled says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { callApi, ownServer } from './support/server';
import { eachSizeAndTheme, pick, shot, watchConsole } from './support/page';

const own = ownServer('lamina-e2e-lab2-');
const api = <T>(method: string, input: unknown) => callApi<T>(own.server, method, input);

interface Detail {
  run: { id: string; status: string; datasetId: string };
  params: Record<string, string>;
  metrics: { key: string; last: number }[];
  report: { misclassified?: { row: number; confidence: number }[] } | null;
}
interface Dataset {
  id: string;
  name: string;
  splits: { train: number; validation: number; test: number };
}

async function completed(id: string): Promise<Detail> {
  await expect.poll(async () => (await api<Detail>('runs.detail', { runId: id })).run.status, { timeout: 240_000 }).toBe('completed');
  return api<Detail>('runs.detail', { runId: id });
}

let digits: Dataset;
const runIds: string[] = [];

async function ensureData(page: Page) {
  if (!digits) {
    const list = await api<Dataset[]>('datasets.list', {});
    digits = list.find((d) => d.name.startsWith('digits')) ?? (await api<Dataset>('datasets.importSample', { sample: 'digits-8x8' }));
  }
  await page.goto(own.server.url);
  await expect(page.getByTestId('nav-datasets')).toBeVisible();
}

async function ensureRuns() {
  if (runIds.length) return;
  const { templates } = { templates: await api<{ id: string; source: string }[]>('templates.list', {}) };
  const mlp = templates.find((t) => t.id === 'mlp')!;
  // Two runs of the template (different seeds) and one of an edited copy, on the 8×8 digits.
  const a = await api<{ id: string }>('runs.start', { dataset: digits.id, model: 'template:mlp', config: { epochs: 3, seed: 1 } });
  await completed(a.id);
  const b = await api<{ id: string }>('runs.start', { dataset: digits.id, model: 'template:mlp', config: { epochs: 3, seed: 2 } });
  await completed(b.id);
  const edited = mlp.source.replace("ctx.param('hidden', '32,16')", "ctx.param('hidden', '24')");
  expect(edited).not.toBe(mlp.source);
  const c = await api<{ id: string }>('runs.start', { dataset: digits.id, model: edited, modelName: 'Multilayer perceptron (edited)', config: { epochs: 3, seed: 3 } });
  await completed(c.id);
  runIds.push(a.id, b.id, c.id);
}

test('the Train form lists the model\'s own parameters with their defaults; values set there and gradient clipping reach the run', async ({ page }) => {
  const errors = watchConsole(page);
  await ensureData(page);
  await page.getByTestId('nav-train').click();
  await pick(page, page.getByTestId('train-dataset-select'), /digits/i);
  await pick(page, page.getByTestId('train-model-select'), 'Multilayer perceptron');
  const param = (name: string) => page.locator(`[data-testid="model-param"][data-param="${name}"]`);
  await expect(page.getByTestId('model-params')).toBeVisible();
  // The defaults are the placeholders, as written in the template; optimizer and lr have their own fields.
  await expect(param('hidden').locator('input')).toHaveAttribute('placeholder', '32,16');
  await expect(param('dropout').locator('input')).toHaveAttribute('placeholder', '0');
  await expect(param('activation').locator('input')).toHaveAttribute('placeholder', 'relu');
  await expect(param('optimizer')).toHaveCount(0);
  await expect(param('lr')).toHaveCount(0);
  await expect(page.getByTestId('train-lr-schedule')).toBeVisible();
  await expect(page.getByTestId('train-clip-norm')).toBeVisible();

  await param('hidden').locator('input').fill('20');
  await param('dropout').locator('input').fill('0.1');
  await param('dropout').locator('input').blur();
  await page.getByTestId('train-clip-norm').locator('input').fill('2');
  await page.getByTestId('train-clip-norm').locator('input').blur();
  await page.getByTestId('train-epochs').locator('input').fill('2');
  await page.getByTestId('train-epochs').locator('input').blur();
  await shot(page, '60-train-model-params');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  const runId = (await page.getByTestId('train-status').locator('.mono').textContent())!.replace('run ', '').trim();
  const { items } = await api<{ items: { id: string }[] }>('runs.list', {});
  const mine = items.filter((r) => r.id.startsWith(runId));
  expect(mine).toHaveLength(1);
  const d = await api<Detail>('runs.detail', { runId: mine[0]!.id });
  expect(d.params.hidden).toBe('20');
  expect(d.params.dropout).toBe('0.1');
  expect(d.params.clip_norm).toBe('2');
  // Another model: the values typed for this one do not carry over.
  await pick(page, page.getByTestId('train-model-select'), 'Small CNN');
  await expect(param('filters').locator('input')).toHaveValue('');
  expect(errors).toEqual([]);
});

test('compare: a grid of every metric family, one colour per run in the legend and the runs table; system metrics in their own panel', async ({ page }) => {
  const errors = watchConsole(page);
  await ensureData(page);
  await ensureRuns();
  const first = await api<Detail>('runs.detail', { runId: runIds[0]! });
  const sys = first.metrics.filter((m) => m.key.startsWith('system/')).map((m) => m.key).sort();
  expect(sys).toEqual(['system/cpu_percent', 'system/rss_mib', 'system/samples_per_sec']);
  expect(first.metrics.find((m) => m.key === 'system/samples_per_sec')!.last).toBeGreaterThan(0);
  expect(first.metrics.find((m) => m.key === 'system/rss_mib')!.last).toBeGreaterThan(10);

  await page.getByTestId('nav-experiments').click();
  const rows = page.getByTestId('run-row');
  await expect(rows.first()).toBeVisible();
  // The swatch colour of a run is the same wherever it appears.
  const swatchOf = async (id: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"] [data-testid="run-swatch"]`).getAttribute('data-colour');
  for (const id of runIds.slice(0, 2)) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] .n-checkbox`).click();
  await page.getByTestId('run-compare').click();
  await expect(page.getByTestId('run-compare-panel')).toBeVisible();
  const cells = page.getByTestId('compare-metric-chart');
  await expect(cells.first()).toBeVisible();
  const families = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-family')));
  expect(families).toEqual(expect.arrayContaining(['loss', 'accuracy']));
  expect(families.some((f) => f?.startsWith('system'))).toBe(false);
  for (const id of runIds.slice(0, 2)) {
    const legend = page.locator(`[data-testid="compare-legend-run"][data-run-id="${id}"]`);
    await expect(legend).toBeVisible();
    expect(await legend.getAttribute('data-colour')).toBe(await swatchOf(id));
  }
  await page.waitForTimeout(500);
  await shot(page, '61-compare-grid');
  await page.keyboard.press('Escape');

  // Run detail: system metrics apart from the score charts.
  await page.locator(`[data-testid="run-row"][data-run-id="${runIds[0]}"] td`).nth(2).click();
  await page.locator('.n-tabs-tab', { hasText: 'Curves' }).click();
  await expect(page.getByTestId('system-metric')).toHaveCount(3);
  await expect(page.locator('[data-testid="system-metric"][data-key="system/samples_per_sec"] [data-testid="system-metric-value"]')).toHaveText(/^\d+$/);
  await shot(page, '62-run-system-metrics');
  expect(errors).toEqual([]);
});

test('run detail: the Source tab highlights the source and diffs an edited model against its template; misclassified test images', async ({ page }) => {
  const errors = watchConsole(page);
  await ensureData(page);
  await ensureRuns();
  await page.getByTestId('nav-experiments').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${runIds[2]}"] td`).nth(2).click();
  await page.locator('.n-tabs-tab', { hasText: 'Source' }).click();
  const source = page.getByTestId('run-source');
  await expect(source.locator('.monaco-editor').first()).toBeVisible();
  await expect(page.getByTestId('source-template')).toContainText('Multilayer perceptron');
  await expect(page.getByTestId('source-template')).toContainText('edited');
  // Highlighted: Monaco tokenises the keywords.
  await expect(source.locator('.view-lines span[class*="mtk"]').first()).toBeVisible();
  await page.getByTestId('source-mode-diff').click();
  await expect(source.locator('.monaco-diff-editor')).toBeVisible();
  // One change (the hidden default), scrolled into view and marked.
  await expect(page.getByTestId('source-diff-count')).toHaveAttribute('data-changes', '1');
  await expect(source.locator('.monaco-diff-editor .line-insert, .monaco-diff-editor .char-insert').first()).toBeAttached();
  await expect(source.locator('.monaco-diff-editor .view-lines').last()).toContainText("'24'");
  await shot(page, '63-run-source-diff');

  const d = await api<Detail>('runs.detail', { runId: runIds[2]! });
  const mistakes = d.report?.misclassified ?? [];
  await page.locator('.n-tabs-tab', { hasText: 'Evaluation' }).click();
  const gallery = page.getByTestId('misclassified-gallery');
  await expect(gallery).toBeVisible();
  if (mistakes.length > 0) {
    // Most confident first, and each tile an image.
    expect(mistakes.map((m) => m.confidence)).toEqual([...mistakes.map((m) => m.confidence)].sort((a, b) => b - a));
    await expect(gallery.getByTestId('misclassified-tile')).toHaveCount(Math.min(32, mistakes.length));
    await expect(gallery.getByTestId('misclassified-tile').first()).toHaveAttribute('data-row', String(mistakes[0]!.row));
    await expect(gallery.locator('img').first()).toHaveAttribute('src', /^data:image\/png;base64,/);
    await expect(gallery.getByTestId('misclassified-tile').first()).toContainText(/true \d/);
  } else {
    await expect(gallery).toContainText('No test image is misclassified');
  }
  await gallery.scrollIntoViewIfNeeded();
  await shot(page, '64-run-misclassified');
  expect(errors).toEqual([]);
});

test('datasets: image grid per class, distributions from a chosen split, labelled split fields and a searchable target', async ({ page }) => {
  const errors = watchConsole(page);
  await ensureData(page);
  await page.locator(`[data-testid="dataset-row"][data-name="${digits.name}"]`).click();
  await page.locator('.n-tabs-tab', { hasText: 'Images' }).click();
  const classes = page.getByTestId('dataset-image-class');
  await expect(classes).toHaveCount(10);
  await expect(classes.first().getByTestId('dataset-image')).toHaveCount(12);
  await shot(page, '65-dataset-images');

  await page.locator('.n-tabs-tab', { hasText: 'Distributions' }).click();
  const dist = page.getByTestId('dataset-distributions');
  await expect(dist).toHaveAttribute('data-split', 'train');
  await expect(page.getByTestId('dataset-stats-rows')).toHaveText(`${digits.splits.train} rows`);
  await expect(page.locator('[data-testid="dataset-distribution"][data-column="p10"]')).toHaveAttribute('data-kind', 'histogram');
  await expect(page.locator('[data-testid="dataset-distribution"][data-column="digit"]')).toHaveAttribute('data-kind', 'counts');
  await pick(page, page.getByTestId('dataset-stats-split'), 'Test split');
  await expect(dist).toHaveAttribute('data-split', 'test');
  await expect(page.getByTestId('dataset-stats-rows')).toHaveText(`${digits.splits.test} rows`);
  await shot(page, '66-dataset-distributions');
  await page.locator('.n-tabs-tab', { hasText: 'Columns' }).click();
  await expect(page.getByTestId('dataset-stats-source')).toContainText('train split');

  // A table with a categorical column: counts; the import form's split fields are labelled, the target searchable.
  const csv = 'colour,size,weight,label\n' + Array.from({ length: 60 }, (_, i) => `${['red', 'green', 'blue'][i % 3]},${i % 7},${(i * 1.7).toFixed(1)},${i % 2 ? 'yes' : 'no'}`).join('\n');
  await page.getByTestId('dataset-import-input').setInputFiles({ name: 'shapes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  for (const s of ['train', 'validation', 'test']) await expect(page.getByTestId(`dataset-split-${s}`)).toBeVisible();
  await expect(page.locator('.split-field', { hasText: 'validation' })).toBeVisible();
  const target = page.getByTestId('dataset-target-select');
  await target.click();
  await page.keyboard.type('wei');
  await expect(page.locator('.n-base-select-option')).toHaveCount(1);
  await expect(page.locator('.n-base-select-option')).toHaveText('weight');
  await page.keyboard.press('Escape');
  await shot(page, '67-dataset-import-form');
  await pick(page, target, 'label');
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.locator('[data-testid="dataset-row"][data-name="shapes"]')).toBeVisible();
  await page.locator('[data-testid="dataset-row"][data-name="shapes"]').click();
  await page.locator('.n-tabs-tab', { hasText: 'Distributions' }).click();
  await expect(page.locator('[data-testid="dataset-distribution"][data-column="colour"]')).toHaveAttribute('data-kind', 'counts');
  await expect(page.locator('[data-testid="dataset-distribution"][data-column="weight"]')).toHaveAttribute('data-kind', 'histogram');
  // No images in a plain table.
  await expect(page.locator('.n-tabs-tab', { hasText: 'Images' })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a template whose plugin is disabled: the Models and Train pages name the plugin and where to enable it', async ({ page }) => {
  const errors = watchConsole(page);
  await ensureData(page);
  await page.getByTestId('nav-train').click();
  await pick(page, page.getByTestId('train-model-select'), 'Medical CNN');
  await page.getByTestId('nav-plugins').click();
  const row = page.locator('[data-testid="plugin-row"][data-plugin-id="medical-imaging"]');
  await row.getByTestId('plugin-toggle').click();
  await expect(row).toHaveAttribute('data-enabled', 'false');
  try {
    await page.getByTestId('nav-train').click();
    const alert = page.getByTestId('train-plugin-disabled');
    await expect(alert).toContainText('The plugin medical-imaging is disabled — enable it on the Plugins page');
    await expect(page.getByTestId('train-start')).toBeDisabled();
    await shot(page, '68-train-plugin-disabled');

    await page.getByTestId('nav-models').click();
    const off = page.locator('[data-testid="model-template-disabled"][data-id="medical-cnn"]');
    await expect(off).toContainText('the plugin medical-imaging is disabled — enable it on the Plugins page');
    await expect(page.locator('[data-testid="model-template"][data-id="medical-cnn"]')).toHaveCount(0);
    await shot(page, '68-models-plugin-disabled');
    await off.getByRole('link', { name: 'Plugins page' }).click();
    await expect(page.locator('[aria-current="page"]')).toHaveAttribute('data-testid', 'nav-plugins');
    await row.getByTestId('plugin-toggle').click();
    await expect(row).toHaveAttribute('data-enabled', 'true');
    await page.getByTestId('nav-train').click();
    await expect(page.getByTestId('train-plugin-disabled')).toHaveCount(0);
  } finally {
    await api('plugins.setEnabled', { id: 'medical-imaging', enabled: true });
  }
  expect(errors).toEqual([]);
});

test('screenshots of the new views at 1440×900 and 1024×700, light and dark', async ({ page }) => {
  test.setTimeout(600_000);
  await ensureData(page);
  await ensureRuns();
  await eachSizeAndTheme(page, async (tag) => {
    await page.locator(`[data-testid="dataset-row"][data-name="${digits.name}"]`).click();
    await page.locator('.n-tabs-tab', { hasText: 'Images' }).click();
    await expect(page.getByTestId('dataset-image').first()).toBeVisible();
    await shot(page, `69-lab2-dataset-images-${tag}`);
    await page.locator('.n-tabs-tab', { hasText: 'Distributions' }).click();
    await expect(page.getByTestId('dataset-distribution').first()).toBeVisible();
    await page.waitForTimeout(300);
    await shot(page, `69-lab2-dataset-distributions-${tag}`);

    await page.getByTestId('nav-train').click();
    await pick(page, page.getByTestId('train-model-select'), 'Multilayer perceptron');
    await expect(page.getByTestId('model-params')).toBeVisible();
    await shot(page, `69-lab2-train-form-${tag}`);

    await page.getByTestId('nav-experiments').click();
    for (const id of runIds) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] .n-checkbox`).click();
    await page.getByTestId('run-compare').click();
    await expect(page.getByTestId('compare-metric-chart').first()).toBeVisible();
    await page.waitForTimeout(400);
    await shot(page, `69-lab2-compare-${tag}`);
    await page.keyboard.press('Escape');
    for (const id of runIds) await page.locator(`[data-testid="run-row"][data-run-id="${id}"] .n-checkbox`).click();

    await page.locator(`[data-testid="run-row"][data-run-id="${runIds[2]}"] td`).nth(2).click();
    await page.locator('.n-tabs-tab', { hasText: 'Curves' }).click();
    await expect(page.getByTestId('system-metrics')).toBeVisible();
    await page.getByTestId('system-metrics').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot(page, `69-lab2-run-curves-${tag}`);
    await page.locator('.n-tabs-tab', { hasText: 'Source' }).click();
    await page.getByTestId('source-mode-diff').click();
    await expect(page.locator('.monaco-diff-editor')).toBeVisible();
    await page.waitForTimeout(500);
    await shot(page, `69-lab2-run-source-${tag}`);
    await page.locator('.n-tabs-tab', { hasText: 'Evaluation' }).click();
    await expect(page.getByTestId('misclassified-gallery')).toBeVisible();
    await page.getByTestId('misclassified-gallery').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await shot(page, `69-lab2-run-gallery-${tag}`);
    await page.keyboard.press('Escape');
  });
});
