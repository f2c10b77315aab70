/**
 * The model editor knows TensorFlow.js: completion inside a model source lists tf.layers
 * factories from the bundled type definitions, and hover shows their documentation. Runs
 * before the main flow and changes nothing in the workspace (nothing is saved).
 */
import { expect, test } from '@playwright/test';
import { openApp, shot, watchConsole } from './support/page';

test('completion and hover come from the TensorFlow.js types', async ({ page }) => {
  const errors = watchConsole(page);
  await openApp(page);
  await page.getByTestId('nav-models').click();
  await page.locator('[data-testid="model-template"][data-id="mlp"]').click();
  const editor = page.getByTestId('model-editor').locator('.monaco-editor');
  await expect(editor).toBeVisible();
  await expect(editor).toContainText('createModel');

  // A new statement at the end of the source, typed through the model-context types.
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('declare const probe: Lamina.ModelContext;', { delay: 5 });
  await page.keyboard.press('Enter');
  await page.keyboard.type('probe.tf.layers.', { delay: 20 });
  const suggest = editor.locator('.suggest-widget');
  // The types load in the background: ask again until the list shows tf.layers members.
  await expect
    .poll(
      async () => {
        if (!(await suggest.isVisible())) await page.keyboard.press('Control+Space');
        return (await suggest.locator('.monaco-list-row').allTextContents()).join(' ');
      },
      { timeout: 120_000, intervals: [500, 1000] },
    )
    .toMatch(/\bactivation\b.*\baveragePooling2d\b/);
  // The list is virtualised: narrow it to the factory we want, then accept it.
  await page.keyboard.type('den', { delay: 20 });
  await expect(suggest.locator('.monaco-list-row').first()).toContainText('dense');
  await shot(page, '12-editor-completion');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await expect(editor).toContainText('probe.tf.layers.dense');

  // Hover the accepted name: the declaration's documentation shows. Monaco merges adjacent
  // tokens of one colour into one span, so point at the last letters of the one ending in "dense".
  const span = editor.locator('.view-lines .view-line span', { hasText: /probe\.tf\.layers\.dense$/ }).last();
  const box = (await span.boundingBox())!;
  await page.mouse.move(box.x + box.width - 6, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover').filter({ hasText: 'dense' });
  await expect(hover.first()).toBeVisible({ timeout: 60_000 });
  await expect(hover.first()).toContainText(/Dense|densely/i);
  await shot(page, '13-editor-hover');
  expect(errors).toEqual([]);
});
