/**
 * SECURITY.md in the UI: a workspace made on "another machine" (another LAMINA_CONFIG_DIR key)
 * opens with the restricted-mode banner; one click trusts it; a plugin found in its plugins/
 * folder then asks for consent — saying what it can do — before it is enabled.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServer, type E2EServer } from './support/server';

const cli = resolve(__dirname, '../../out/main/cli.js');
let server: E2EServer;
let workspace: string;

test.beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'lamina-e2e-trust-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'lamina-e2e-other-machine-'));
  const made = spawnSync(process.execPath, [cli, 'init', workspace], { env: { ...process.env, LAMINA_CONFIG_DIR: elsewhere }, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const plugin = join(workspace, 'plugins', 'arrived');
  mkdirSync(plugin, { recursive: true });
  writeFileSync(
    join(plugin, 'package.json'),
    JSON.stringify({ name: 'arrived', version: '1.0.0', lamina: { apiVersion: '^1.0.0', main: 'index.js', displayName: 'Arrived with the folder', contributes: { metrics: [{ id: 'm', name: 'M', tasks: ['classification'] }] } } }),
  );
  writeFileSync(join(plugin, 'index.js'), 'module.exports = { default: { metrics: { m: () => 1 } } };\n');
  server = await spawnServer(workspace);
});
test.afterAll(async () => {
  await server?.stop();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test('restricted mode is said on every page, one click trusts; a workspace plugin asks for consent first', async ({ page }) => {
  await page.goto(server.url);
  const banner = page.getByTestId('trust-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Restricted mode');
  await page.getByTestId('nav-plugins').click();
  const row = page.locator('[data-testid="plugin-row"][data-plugin-id="arrived"]');
  await expect(row.getByTestId('plugin-restricted')).toBeVisible();
  await expect(row).toHaveAttribute('data-enabled', 'false');

  await page.getByTestId('trust-workspace').click();
  await expect(banner).toHaveCount(0);
  await expect(row.getByTestId('plugin-needs-consent')).toBeVisible();
  await expect(row).toHaveAttribute('data-enabled', 'false');

  await row.getByTestId('plugin-toggle').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('runs Node.js code with your user rights');
  await expect(dialog).toContainText('metrics: m');
  await dialog.getByRole('button', { name: 'Enable' }).click();
  await expect(row).toHaveAttribute('data-enabled', 'true');
  await expect(row.getByTestId('plugin-needs-consent')).toHaveCount(0);
});
