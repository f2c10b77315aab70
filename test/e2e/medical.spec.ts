/**
 * Medical imaging in the lab, on a workspace of its own: the lesion phantoms (../shared/datasets/
 * lesions-dicom) imported as a folder through the Datasets page (the DICOM importer chosen for the
 * .dcm files), the DICOM viewer tab (window presets and dragging change the pixels, the wheel and
 * the keys step through images, patient ids only when asked), a short medical-CNN run, and its
 * ROC / PR tab with the AUC and the threshold's sensitivity and specificity. Screenshots at
 * 1440×900 and 1024×700, light and dark, are kept under test-results/screenshots.
 */
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { callApi, ownServer } from './support/server';
import { shot, watchConsole } from './support/page';
import { sharedDatasets } from '../helpers/cli';

const LESIONS = `${sharedDatasets}/lesions-dicom`;
const own = ownServer('lamina-e2e-medical-');
const api = <T>(method: string, input: unknown) => callApi<T>(own.server, method, input);

/** The viewer's canvas as a data URL: what the user sees, pixel for pixel. */
const canvasPixels = (viewer: FrameLocator) => viewer.getByTestId('dicom-canvas').evaluate((c) => (c as HTMLCanvasElement).toDataURL());

async function openViewer(page: Page): Promise<FrameLocator> {
  await page.getByTestId('nav-datasets').click();
  await page.locator('[data-testid="dataset-row"][data-name="lesions-dicom"]').click();
  await page.locator('.n-tabs-tab', { hasText: 'DICOM viewer' }).click();
  const viewer = page.frameLocator('[data-testid="plugin-view-frame"][data-view-id="dicom-viewer"]');
  await expect(viewer.getByTestId('sample-position')).toContainText('Image 1 / 120');
  return viewer;
}

test.skip(!existsSync(LESIONS), 'needs ../shared/datasets/lesions-dicom');

test('DICOM folder import from the UI, the viewer, a short run and its ROC curve', async ({ page }) => {
  test.setTimeout(600_000);
  const errors = watchConsole(page);
  await page.goto(own.server.url);
  await page.getByTestId('nav-datasets').click();

  // Import the folder as a user does: the DICOM importer is picked for the .dcm files.
  await page.getByTestId('dataset-import-folder').setInputFiles(LESIONS);
  await expect(page.getByTestId('dataset-import-settings')).toBeVisible();
  await expect(page.getByTestId('dataset-importer-select')).toContainText('medical-imaging');
  await page.getByTestId('dataset-import-submit').click();
  await expect(page.locator('[data-testid="dataset-row"][data-name="lesions-dicom"]')).toBeVisible({ timeout: 240_000 });
  await page.locator('[data-testid="dataset-row"][data-name="lesions-dicom"]').click();
  await page.locator('.n-tabs-tab', { hasText: 'Details' }).click();
  await expect(page.getByTestId('dataset-detail')).toContainText('PatientID: 120 groups, none in two splits');

  const viewer = await openViewer(page);
  const canvas = viewer.getByTestId('dicom-canvas');
  await expect(viewer.getByTestId('window-readout')).toHaveText(/L 40\s+W 400/);
  await expect(viewer.getByTestId('dicom-tags')).toContainText('CT');
  await expect(viewer.getByTestId('dicom-tags')).toContainText('Transfer syntax');
  await expect(viewer.locator('[data-tag="Patient ID"]')).toHaveText('hidden');
  await viewer.getByTestId('show-ids').click();
  await expect(viewer.locator('[data-tag="Patient ID"]')).not.toHaveText('hidden');
  await viewer.getByTestId('show-ids').click();

  // Window presets re-window the Hounsfield values: each gives other pixels.
  const fileWindow = await canvasPixels(viewer);
  await viewer.getByTestId('preset-lung').click();
  await expect(viewer.getByTestId('window-readout')).toHaveText(/L -600\s+W 1500/);
  const lung = await canvasPixels(viewer);
  await viewer.getByTestId('preset-bone').click();
  const bone = await canvasPixels(viewer);
  expect(new Set([fileWindow, lung, bone]).size).toBe(3);
  await shot(page, 'medical-viewer-lung-1440x900-light');

  // Dragging changes the window (and the pixels); the wheel and the keys step through images.
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 4 });
  await page.mouse.up();
  await expect(viewer.getByTestId('window-readout')).not.toHaveText(/L 400\s+W 1800/);
  expect(await canvasPixels(viewer)).not.toBe(bone);
  await page.mouse.wheel(0, 120);
  await expect(viewer.getByTestId('sample-position')).toContainText('Image 2 / 120');
  await canvas.press('ArrowDown');
  await expect(viewer.getByTestId('sample-position')).toContainText('Image 3 / 120');
  await canvas.press('1'); // first preset: the file's window
  await expect(viewer.getByTestId('window-readout')).toHaveText(/L 40\s+W 400/);
  await viewer.getByTestId('class-lesion').click();
  await expect(viewer.getByTestId('sample-position')).toContainText('Image 1 / 60 of class lesion');

  // A short run of the medical CNN; its run detail has a ROC / PR tab with the AUC.
  const ds = (await api<{ id: string; name: string }[]>('datasets.list', {})).find((d) => d.name === 'lesions-dicom')!;
  const run = await api<{ id: string }>('runs.start', { dataset: ds.id, model: 'template:medical-cnn', config: { epochs: 4, batchSize: 16, seed: 1, backend: 'wasm' } });
  await expect
    .poll(async () => (await api<{ run: { status: string } }>('runs.detail', { runId: run.id })).run.status, { timeout: 400_000, intervals: [2000] })
    .toBe('completed');
  await page.getByTestId('nav-experiments').click();
  await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).locator('td').nth(2).click();
  await expect(page.getByTestId('run-detail')).toContainText('Backend');
  await page.locator('.n-tabs-tab', { hasText: 'ROC / PR' }).click();
  await expect(page.getByTestId('roc-chart')).toBeVisible();
  await expect(page.getByTestId('pr-chart')).toBeVisible();
  await expect(page.getByTestId('score-curves')).toContainText('positive class lesion');
  await expect(page.getByTestId('roc-auc')).toHaveText(/^\d\.\d{3}$/);
  await expect(page.getByTestId('threshold-rates')).toContainText('sensitivity');
  // The slider moves the operating point: at 0 everything is positive, at 1 (almost) nothing is.
  const slider = page.getByTestId('threshold-slider');
  await slider.click({ position: { x: 2, y: 5 } });
  await expect(page.getByTestId('threshold-rates')).toContainText('sensitivity 1.000 · specificity 0.000');
  const low = await page.getByTestId('threshold-rates').textContent();
  const width = (await slider.boundingBox())!.width;
  await slider.click({ position: { x: width - 2, y: 5 } });
  await expect(page.getByTestId('threshold-rates')).not.toHaveText(low!);
  await expect(page.getByTestId('threshold-rates')).toContainText('specificity 1.000');
  const detail = await api<{ metrics: { key: string; last: number }[] }>('runs.detail', { runId: run.id });
  const keys = detail.metrics.map((m) => m.key);
  expect(keys).toEqual(expect.arrayContaining(['test_auc', 'test_auc_lesion', 'test_auc_normal', 'test_sensitivity', 'test_specificity']));

  // Screenshots: the viewer and the ROC tab at both sizes, light and dark.
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const dark of [false, true]) {
      await page.evaluate((d) => localStorage.setItem('lamina.theme', d ? 'dark' : 'light'), dark);
      await page.reload();
      const tag = `${w}x${h}-${dark ? 'dark' : 'light'}`;
      const v = await openViewer(page);
      await v.getByTestId('preset-lung').click();
      await page.waitForTimeout(300);
      await shot(page, `medical-viewer-${tag}`);
      await page.getByTestId('nav-experiments').click();
      await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`).locator('td').nth(2).click();
      await page.locator('.n-tabs-tab', { hasText: 'ROC / PR' }).click();
      await expect(page.getByTestId('roc-chart')).toBeVisible();
      await page.waitForTimeout(500);
      await shot(page, `medical-roc-${tag}`);
    }
  }
  expect(errors).toEqual([]);
});
