/**
 * Runs the BUILT `lamina` CLI (out/main/cli.js) as a real child process, the way users
 * and CI do. Tests that use it need `npm run build` first (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const sharedDatasets = resolve(repoRoot, '..', 'shared', 'datasets');
export const builtCli = join(repoRoot, 'out', 'main', 'cli.js');
export const cliBuilt = existsSync(builtCli);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function tempWorkspace(prefix = 'lamina-ws-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function startCli(args: string[], opts: { workspace: string; env?: NodeJS.ProcessEnv } = { workspace: '' }): ChildProcess {
  return spawn(process.execPath, [builtCli, ...args, '--workspace', opts.workspace], {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolvePromise) => {
    child.on('close', (code) => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* not JSON */
      }
      resolvePromise({ code, stdout, stderr, json });
    });
  });
}

export function lamina(args: string[], workspace: string, env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return collect(startCli(args, { workspace, env }));
}
