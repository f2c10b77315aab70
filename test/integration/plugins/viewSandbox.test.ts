/**
 * The view contract in real Chromium: the core renders a plugin view as one HTML document, the
 * page embeds it in <iframe sandbox="allow-scripts"> and answers its bridge requests with the
 * SDK's attachViewBridge. The view's attempts to reach the parent (parent.document, top.lamina,
 * the parent's globals, storage) must throw or see nothing, while postMessage requests work.
 */
import { createServer, type Server } from 'node:http';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';

const CHROMIUM = '/usr/bin/chromium';
const fixtures = resolve(__dirname, '../../fixtures/plugins');
const sdk = resolve(__dirname, '../../../plugins/sdk/src');

describe.skipIf(!existsSync(CHROMIUM))('plugin views in a sandboxed iframe (Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let url = '';
  let viewHtml = '';
  const saved = process.env.LAMINA_PLUGINS_DIR;

  beforeAll(async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'lamina-view-plugins-'));
    cpSync(join(fixtures, 'good-js'), join(userDir, 'good-js'), { recursive: true });
    process.env.LAMINA_PLUGINS_DIR = userDir;
    const core = Lamina.open(mkdtempSync(join(tmpdir(), 'lamina-view-ws-')));
    try {
      expect(core.listPluginViews()).toContainEqual({ pluginId: 'good-js', viewId: 'probe', title: 'Sandbox probe', location: 'run-detail' });
      viewHtml = core.getPluginView('good-js', 'probe').html;
      expect(() => core.getPluginView('good-js', 'nope')).toThrow(/no view "nope"/);
    } finally {
      core.close();
    }
    // The host page's half of the bridge, bundled the way the renderer would.
    const hostBridge = buildSync({
      stdin: { contents: `import { attachViewBridge, VIEW_IFRAME_SANDBOX } from './viewHost'; Object.assign(window, { attachViewBridge, VIEW_IFRAME_SANDBOX });`, resolveDir: sdk, loader: 'ts' },
      bundle: true, format: 'iife', write: false, platform: 'browser',
    }).outputFiles[0].text;
    const page = `<!doctype html><html><head><title>APP-SECRET-TITLE</title></head><body>
<script>${hostBridge}</script>
<script>
  window.secretFromApp = 'TOPSECRET';
  window.lamina = { deleteRun: () => 'deleted' };
  localStorage.setItem('x', 'parent-storage');
  window.requests = [];
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', VIEW_IFRAME_SANDBOX);
  frame.srcdoc = ${JSON.stringify(viewHtml).replace(/<\//g, '<\\/')};
  document.body.appendChild(frame);
  attachViewBridge(frame, { viewId: 'probe', runId: 'run-123' }, {
    getRun: (p) => { window.requests.push(['getRun', p]); return { status: 'completed', id: p.runId }; },
    report: (r) => { window.report = r; return true; },
  });
  // A message from some other window must not be answered or trusted.
  window.postMessage({ lamina: 'view/1', kind: 'request', id: 99, method: 'getRun', params: { runId: 'forged' } }, '*');
</script></body></html>`;
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (saved === undefined) delete process.env.LAMINA_PLUGINS_DIR;
    else process.env.LAMINA_PLUGINS_DIR = saved;
  });

  it('the view document carries the bridge, a no-network CSP and the renderer', () => {
    expect(viewHtml).toContain("default-src 'none'");
    expect(viewHtml).toContain("window, 'laminaView'");
    expect(viewHtml).toContain("laminaView.register('probe'");
  });

  it('cannot reach the parent, but the postMessage bridge works', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { report?: unknown }).report, undefined, { timeout: 60_000 });
      const report = (await page.evaluate(() => (window as unknown as { report: unknown }).report)) as {
        attempts: Record<string, string>;
        runStatus: string;
        runId: string;
        unknown: string;
      };
      expect(report.attempts['parent.document']).toMatch(/^threw:SecurityError/);
      expect(report.attempts['top.lamina']).not.toMatch(/^READ/);
      expect(report.attempts['parent.secret']).not.toMatch(/^READ/);
      expect(report.attempts.localStorage).toMatch(/^threw:SecurityError/);
      expect(report.attempts.cookie).not.toMatch(/^READ/);
      // The bridge: context delivered, requests answered, unknown methods refused.
      expect(report.runId).toBe('run-123');
      expect(report.runStatus).toBe('completed');
      expect(report.unknown).toContain('unknown request "deleteEverything"');
      const requests = await page.evaluate(() => (window as unknown as { requests: unknown[] }).requests);
      expect(requests).toEqual([['getRun', { runId: 'run-123' }]]); // the forged one was ignored
      // The parent's state is untouched.
      expect(await page.evaluate(() => (window as unknown as { lamina: { deleteRun: () => string } }).lamina.deleteRun())).toBe('deleted');
      const text = await page.frames()[1].evaluate(() => document.getElementById('lamina-view-root')!.textContent);
      expect(text).toContain('"runStatus":"completed"');
    } finally {
      await page.close();
    }
  });
});
