/**
 * Fault matrix · runs whose owner died (SECURITY.md, "Runs"). A CLI or server process that is killed
 * with SIGKILL records nothing; its run must not stay `running`. The run carries a lease — the owner's
 * pid and process start time — and any Lamina process that opens the workspace or lists runs fails
 * runs of dead owners with "the process running it ended (pid N)". A live owner is never touched,
 * and a pid reused by an unrelated process does not keep a dead owner's run alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtCli, cliBuilt, lamina, repoRoot, sharedDatasets, tempWorkspace } from '../helpers/cli';
import { Lamina } from '../../src-main/core/lamina';
import { processStartTime } from '../../src-main/core/runs/ownerLease';
import { runInput } from '../integration/store/fixtures/storeFixtures';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!cliBuilt)('faults: the CLI that owns a run is killed (SIGKILL)', () => {
  const ws = tempWorkspace('lamina-fault-sigkill-');

  beforeAll(async () => {
    expect((await lamina(['import', join(sharedDatasets, 'iris.csv'), '--name', 'iris', '--json'], ws)).code).toBe(0);
  });

  it('the next `lamina runs` records the run failed, naming the process that ended', async () => {
    const child = spawn(process.execPath, [builtCli, 'train', '--dataset', 'iris', '--model', 'template:mlp', '--epochs', '100000', '--seed', '1', '--workspace', ws], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const db = new Database(join(ws, 'lamina.db'), { readonly: true, fileMustExist: true });
    try {
      let runId = '';
      for (let i = 0; i < 600 && !runId; i++) {
        const row = db.prepare(`SELECT r.id FROM runs r WHERE r.status = 'running' AND EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = r.id)`).get() as { id: string } | undefined;
        if (row) runId = row.id;
        else await sleep(200);
      }
      expect(runId, stderr).not.toBe('');
      const lease = db.prepare('SELECT owner_pid AS pid, owner_started AS started FROM runs WHERE id = ?').get(runId) as { pid: number; started: string | null };
      expect(lease.pid).toBe(child.pid);
      if (process.platform === 'linux') expect(lease.started).toBe(processStartTime(child.pid!));

      process.kill(-child.pid!, 'SIGKILL'); // the CLI and its host: nothing gets to record an ending
      await exited;
      expect((db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string }).status).toBe('running');

      const list = await lamina(['runs', '--json'], ws);
      expect(list.code, list.stderr).toBe(0);
      expect((list.json as { id: string; status: string }[]).find((r) => r.id === runId)!.status).toBe('failed');
      const run = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string };
      expect(run.status).toBe('failed');
      expect(run.error).toBe(`the process running it ended (pid ${child.pid})`);
    } finally {
      db.close();
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  });
});

describe('faults: an open lab notices dead owners when it lists runs', () => {
  const owners: ChildProcess[] = [];
  afterEach(() => {
    for (const o of owners.splice(0)) if (o.exitCode === null && o.signalCode === null) o.kill('SIGKILL');
  });

  async function owner(): Promise<ChildProcess> {
    const p = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    owners.push(p);
    await new Promise((r) => p.once('spawn', r));
    return p;
  }

  it('fails the run of an owner killed while the lab is open, never a live one, and sees through pid reuse', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'lamina-fault-lease-'));
    const core = Lamina.open(ws);
    try {
      const live = await owner();
      const doomed = await owner();
      const reused = await owner();
      const liveStart = processStartTime(live.pid!);
      core.store.createRun(runInput('live', { status: 'running', ownerPid: live.pid!, ownerStarted: liveStart }));
      core.store.createRun(runInput('doomed', { status: 'running', ownerPid: doomed.pid!, ownerStarted: processStartTime(doomed.pid!) }));
      // The pid is alive, but it belongs to a process started at another time than the run's owner.
      if (process.platform === 'linux') {
        core.store.createRun(runInput('reused', { status: 'running', ownerPid: reused.pid!, ownerStarted: String(Number(processStartTime(reused.pid!)) - 1) }));
      }

      const status = () => Object.fromEntries(core.listRuns().items.map((r) => [r.id, r.status]));
      /** Lists runs (the lab's poll) until `done` holds or 10 s pass; a list looks at owners at most once a second. */
      const listUntil = async (done: (s: Record<string, string>) => boolean) => {
        let s = status();
        for (let i = 0; i < 50 && !done(s); i++) {
          await sleep(200);
          s = status();
        }
        return s;
      };
      if (process.platform === 'linux') expect((await listUntil((s) => s.reused === 'failed')).reused).toBe('failed');
      let now = status();
      expect(now.live).toBe('running');
      expect(now.doomed).toBe('running');

      doomed.kill('SIGKILL');
      await new Promise((r) => doomed.once('exit', r));
      now = await listUntil((s) => s.doomed === 'failed');
      expect(now.doomed).toBe('failed');
      expect(core.store.getRun('doomed')!.error).toBe(`the process running it ended (pid ${doomed.pid})`);
      expect(now.live).toBe('running');
      expect(core.activeRuns().map((r) => r.id)).toEqual(['live']);
    } finally {
      core.close();
    }
  });
});
