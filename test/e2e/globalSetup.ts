/**
 * Builds the renderer when out/renderer is missing (or LAMINA_E2E_BUILD=1), then starts the
 * real server on a temp workspace. Tests read LAMINA_E2E_URL / LAMINA_E2E_TOKEN.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServer } from './support/server';

const root = resolve(__dirname, '../..');

export default async function globalSetup() {
  if (process.env.LAMINA_E2E_BUILD === '1' || !existsSync(join(root, 'out/renderer/index.html'))) {
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'test/e2e/support/renderer.vite.config.ts', '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  const workspace = mkdtempSync(join(tmpdir(), 'lamina-e2e-'));
  const server = await spawnServer(workspace);
  process.env.LAMINA_E2E_URL = server.url;
  process.env.LAMINA_E2E_ORIGIN = server.origin;
  process.env.LAMINA_E2E_TOKEN = server.token;
  return async () => {
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
}
