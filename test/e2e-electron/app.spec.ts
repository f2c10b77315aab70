/**
 * Launches the built app in Electron and checks, from outside, what only a running Electron can
 * show: the window's web preferences, the CSP actually applied, the preload bridge, and the
 * navigation / window-open / IPC guards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';

const repo = resolve(__dirname, '../..');
const { findElectronBinary } = createRequire(__filename)(join(repo, 'src-main/app/electronBinary.cjs')) as {
  findElectronBinary(from?: string): { ok: true; path: string } | { ok: false; reason: string };
};
const binary = findElectronBinary(repo);
const skipReason = binary.ok ? '' : `Electron binary not available: ${binary.reason}`;
// The list reporter does not print skip reasons; say it once, plainly.
if (!binary.ok) console.warn(`SKIPPED: ${skipReason}`);

test.describe('Electron app', () => {
  test.skip(!binary.ok, skipReason);

  let app: ElectronApplication;
  let page: Page;
  let scratch: string;

  test.beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'lamina-electron-'));
    const env = { ...process.env, LAMINA_USER_DATA: join(scratch, 'userData') } as Record<string, string>;
    delete env.ELECTRON_RENDERER_URL; // the built renderer on the app scheme, not a dev server
    delete env.ELECTRON_RUN_AS_NODE;
    app = await electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [repo, '--workspace', join(scratch, 'workspace')],
      env,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('serves the renderer from the app scheme', async () => {
    expect(page.url()).toMatch(/^lamina-app:\/\/app\//);
  });

  test('window has secure web preferences', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
        getLastWebPreferences?: () => Record<string, unknown>;
      };
      return wc.getLastWebPreferences ? wc.getLastWebPreferences() : null;
    });
    if (prefs) {
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    }
    // What those preferences mean for the page, checked directly:
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as Record<string, unknown>).require,
      process: typeof (globalThis as Record<string, unknown>).process,
      lamina: Object.keys((window as unknown as { lamina: object }).lamina).sort(),
    }));
    expect(globals).toEqual({
      require: 'undefined',
      process: 'undefined',
      lamina: ['invoke', 'onEvent', 'pathForFile', 'pickFile', 'pickFolder'],
    });
  });

  test('CSP is sent and enforced', async () => {
    const header = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(header).toContain("script-src 'self'");
    expect(header).toContain('worker-src');
    const blocked = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.appendChild(s);
      let evalRan = false;
      try {
        evalRan = (0, eval)('true');
      } catch {
        /* refused by CSP */
      }
      return { inline: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, evalRan };
    });
    expect(blocked).toEqual({ inline: false, evalRan: false });
  });

  test('IPC answers valid calls and returns typed errors for malformed ones', async () => {
    const results = await page.evaluate(async () => {
      const lamina = (
        window as unknown as {
          lamina: { invoke(m: string, i?: unknown): Promise<{ ok: boolean; error?: { code: string } }> };
        }
      ).lamina;
      return {
        info: await lamina.invoke('workspace.info', {}),
        badInput: await lamina.invoke('datasets.get', { dataset: 5 }),
        unknown: await lamina.invoke('fs.readFile', { path: '/etc/passwd' }),
      };
    });
    expect(results.info.ok).toBe(true);
    expect(results.badInput).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(results.unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  test('navigation away and new windows are refused', async () => {
    const before = page.url();
    await page.evaluate(() => {
      location.href = 'file:///etc/hosts';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(await page.evaluate(() => window.open(location.href) === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });
});
