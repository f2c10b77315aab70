/**
 * Hosts that stop and hosts that do not, on the real core and real host processes: a cancelled
 * run stops at the next batch; a host stuck in user code is killed after the grace period and the
 * run still ends cancelled (not failed), saying so; a model check that never finishes is stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { isAlive as alive } from '../engine/hostProcess';

let dir: string;
let core: Lamina;

/** Resolves once the run's host process is up (its pid is known). */
async function hostStarted(runId: string): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const pid = core.hostPid(runId);
    if (pid !== undefined && core.store.requireRun(runId).backend !== null) return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the host never started');
}


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-cancel-'));
  core = Lamina.open(dir, { cancelGraceMs: 1500, inspectTimeoutMs: 2000 });
  await core.importSample('iris');
});
afterAll(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const SPINS = `export default function createModel(ctx: Lamina.ModelContext) {\n  for (;;) {}\n}\n`;

describe('cancelling a run', () => {
  it('stops a training run at the next batch: cancelled, no error', async () => {
    const run = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 5000, batchSize: 8, backend: 'cpu', seed: 1 } });
    await hostStarted(run.id);
    await new Promise((r) => setTimeout(r, 300));
    core.cancelRun(run.id);
    const done = await core.waitForRun(run.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toBeNull();
  });

  it('kills a host stuck in the model source after the grace period; the run ends cancelled, saying why', async () => {
    // createModel never returns: the host cannot look at its messages.
    core.saveModel('spins', SPINS);
    const run = await core.startRun({ dataset: 'iris', model: 'spins', config: { epochs: 1, backend: 'cpu', seed: 1 } });
    const pid = await hostStarted(run.id);
    const cancelledAt = Date.now();
    core.cancelRun(run.id);
    const done = await core.waitForRun(run.id);
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(1400);
    expect(done.status).toBe('cancelled');
    expect(done.error).toBe('the training host did not stop within 1.5 s of the cancel and was killed');
    expect(alive(pid)).toBe(false);
    // The workspace is fine: the next run trains.
    const next = await core.startRun({ dataset: 'iris', model: 'template:mlp', config: { epochs: 2, backend: 'cpu', seed: 1 } });
    expect((await core.waitForRun(next.id)).status).toBe('completed');
  });
});

describe('checking a model for the editor', () => {
  it('stops a check that does not finish and says why; the next check works', async () => {
    // The workspace's limit (2 s here) stops the endless loop; the message proves the deadline ended it.
    const stuck = await core.inspectModel(SPINS, 'iris');
    expect(stuck).toEqual({ ok: false, summary: null, error: { message: 'the model check did not finish within 2 s and was stopped (does createModel loop forever?)' } });
    // The next check starts a cold host, which on a loaded machine can take longer than 2 s: it gets a
    // wide limit of its own, so this checks that the workspace recovers, not how fast the machine is.
    const mlp = core.listTemplates().find((t) => t.id === 'mlp')!;
    const fine = await core.inspectModel(mlp.source, 'iris', {}, { timeoutMs: 90_000 });
    expect(fine.error).toBeNull();
    expect(fine.ok).toBe(true);
  });
});
