/** Start the E2E server as a child process (the training host forks from it, as in `lamina serve`). */
import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface E2EServer {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnServer(workspace: string, extra: string[] = []): Promise<E2EServer> {
  const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, resolve(__dirname, 'serve.ts'), workspace, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The editor's model check waits longer for a cold host than a user would need to on a quiet
    // machine: UI tests check behaviour, and CI shares two cores with other work.
    env: { ...process.env, LAMINA_INSPECT_TIMEOUT_MS: process.env.LAMINA_INSPECT_TIMEOUT_MS ?? '120000' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 300 s\n${stderr}`)), 300_000);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}\n${stderr}`)));
    child.stdout!.on('data', (d) => {
      out += String(d);
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as { url: string; token: string };
      resolvePromise({
        ...info,
        origin: new URL(info.url).origin,
        child,
        stop: () =>
          new Promise<void>((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      });
    });
  });
}

/**
 * For a spec file that needs a workspace of its own: registers beforeAll/afterAll hooks that
 * start a server on a fresh temp workspace and stop and remove both. Read `.server` and
 * `.workspace` inside tests.
 */
export function ownServer(prefix: string): { readonly server: E2EServer; readonly workspace: string } {
  const state = {} as { server: E2EServer; workspace: string };
  test.beforeAll(async () => {
    state.workspace = mkdtempSync(join(tmpdir(), prefix));
    state.server = await spawnServer(state.workspace);
  });
  test.afterAll(async () => {
    await state.server?.stop();
    if (state.workspace) rmSync(state.workspace, { recursive: true, force: true });
  });
  return state;
}

/** Calls the server's API as the page does (token in the header); throws the API's error message. */
export async function callApi<T>(server: E2EServer, method: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body.value as T;
}
