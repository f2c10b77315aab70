/**
 * Fault matrix · runs that must end (SECURITY.md, "Runs"). Ctrl-C in a terminal sends SIGINT to the
 * whole foreground process group — the CLI and its training host at once. The run must be recorded
 * `cancelled` (as SIGINT to the CLI alone does), not `failed` because the host died first.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cliBuilt, lamina, repoRoot, sharedDatasets, tempWorkspace } from '../helpers/cli';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!cliBuilt)('faults: Ctrl-C on a terminal', () => {
  const ws = tempWorkspace('lamina-fault-sigint-');

  beforeAll(async () => {
    expect((await lamina(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'], ws)).code).toBe(0);
  });

  it('SIGINT to the whole process group records the run cancelled, and the CLI exits', async () => {
    // detached: its own process group, as a shell gives a foreground job.
    const child = spawn(process.execPath, [builtCli, 'train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '100000', '--seed', '1', '--workspace', ws], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.resume();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

    // Wait until the host is training: the run has metric points in the database.
    const db = new Database(join(ws, 'lamina.db'), { readonly: true, fileMustExist: true });
    let runId = '';
    try {
      for (let i = 0; i < 600 && !runId; i++) {
        const row = db.prepare(`SELECT r.id FROM runs r WHERE r.status = 'running' AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id)`).get() as { id: string } | undefined;
        if (row) runId = row.id;
        else await sleep(200);
      }
      expect(runId, stderr).not.toBe('');

      process.kill(-child.pid!, 'SIGINT');
      const code = await exited;
      const run = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string | null };
      expect(run.status, `${run.error}\n${stderr}`).toBe('cancelled');
      expect(code).not.toBe(0);
      expect(stderr).toContain('cancelling');
    } finally {
      db.close();
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});
