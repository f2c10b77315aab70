/** Shared E2E helpers: console-error guard, Naive UI select, screenshots. */
import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const screenshotDir = resolve(__dirname, '../../../test-results/screenshots');

/** Collects console errors and uncaught exceptions; assert it stays empty. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()} @ ${m.location().url}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/**
 * Pick an option of a Naive UI <n-select> by its visible label. On a loaded machine the menu can
 * open after the first click's frame, so the open-and-click is retried until the option is chosen.
 */
export async function pick(page: Page, select: Locator, label: string | RegExp): Promise<void> {
  const option = page.locator('.n-base-select-option', { hasText: label }).first();
  await expect(async () => {
    if (!(await option.isVisible())) await select.click();
    await option.click({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: false });
}

export async function openApp(page: Page): Promise<void> {
  await page.goto(process.env.LAMINA_E2E_URL!);
  await expect(page.getByTestId('nav-datasets')).toBeVisible();
}

/**
 * Runs `body` at 1440×900 and 1024×700, in the light and the dark theme (the page reloaded for
 * each), with a tag such as `1440x900-dark` for screenshot names.
 */
export async function eachSizeAndTheme(page: Page, body: (tag: string) => Promise<void>): Promise<void> {
  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    for (const dark of [false, true]) {
      await page.evaluate((d) => localStorage.setItem('lamina.theme', d ? 'dark' : 'light'), dark);
      await page.reload();
      await expect(page.getByTestId('nav-datasets')).toBeVisible();
      await body(`${w}x${h}-${dark ? 'dark' : 'light'}`);
    }
  }
}
