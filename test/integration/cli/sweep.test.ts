/**
 * Sweeps end to end through the built CLI: real SQLite, real training hosts on iris (cpu backend),
 * a spec error, early termination by hyperband, and a sweep killed mid-trial (SIGKILL) that resumes:
 * the cut-off trial is marked and re-queued once, and the sweep ends with its full count of trials.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cliBuilt, lamina, sharedDatasets, startCli, collect, tempWorkspace } from '../../helpers/cli';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!cliBuilt)('lamina sweep (built CLI; run `npm run build` first)', () => {
  const ws = tempWorkspace('lamina-sweep-');
  const dir = tempWorkspace('lamina-sweep-specs-');

  beforeAll(async () => {
    const r = await lamina(['import', join(sharedDatasets, 'iris.csv'), '--target', 'species', '--json'], ws);
    expect(r.code, r.stderr).toBe(0);
  });

  function spec(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  it('a bad spec exits 2 with one line naming the key, and records nothing', async () => {
    const file = spec('bad.yaml', 'method: annealing\ndataset: iris\nmodel: template:mlp\nparameters: {learning_rate: {min: 0.1, max: 0.01}}\n');
    const r = await lamina(['sweep', 'create', file], ws);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('lamina: sweep spec: unknown method "annealing"; choose grid, random or bayes');
    const minMax = await lamina(['sweep', 'create', spec('bad2.yaml', 'method: random\nrun_cap: 2\ndataset: iris\nmodel: template:mlp\nparameters: {learning_rate: {min: 0.1, max: 0.01}}\n')], ws);
    expect(minMax.code).toBe(2);
    expect(minMax.stderr).toMatch(/parameter "learning_rate": min \(0\.1\) is greater than max \(0\.01\)/);
    const noData = await lamina(['sweep', 'create', spec('bad3.yaml', 'method: grid\ndataset: nope\nmodel: template:mlp\nparameters: {units: {values: [4]}}\n')], ws);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/nope/);
    const list = await lamina(['sweep', 'list', '--json'], ws);
    expect(list.json).toEqual([]);
    const queue = await lamina(['sweep', 'run', 'nope', '--queue', 'redis://127.0.0.1:1'], ws);
    expect(queue.code).toBe(2);
  });

  it('hyperband stops a trial that is behind at a bracket and records why', async () => {
    // Same seed, same model: the tiny learning rate cannot be ahead of the first trial after epoch 1.
    const file = spec(
      'hb.yaml',
      [
        'method: grid',
        'metric: {name: val_loss, goal: minimize}',
        'dataset: iris',
        'model: template:mlp',
        'seed: 3',
        'parameters:',
        '  learning_rate: {values: [0.05, 0.000001]}',
        // Enough epochs that the stopped trial cannot finish before the stop reaches it (a warm host starts at once).
        '  epochs: {value: 20}',
        '  batch_size: {value: 8}',
        '  backend: {value: cpu}',
        '  early_stopping: {value: 0}',
        'early_terminate: {type: hyperband, min_iter: 1, eta: 2, s: 2}',
      ].join('\n'),
    );
    const created = await lamina(['sweep', 'create', file, '--json'], ws);
    expect(created.code, created.stderr).toBe(0);
    const id = created.json.id;
    const run = await lamina(['sweep', 'run', id, '--parallel', '1', '--json'], ws);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json.status).toBe('finished');
    expect(run.json.trials.map((t: { status: string }) => t.status)).toEqual(['completed', 'stopped_early']);
    expect(run.json.best.params.learning_rate).toBe(0.05);
    const db = new Database(join(ws, 'lamina.db'), { readonly: true });
    const reason = db.prepare(`SELECT reason FROM sweep_trials WHERE sweep_id = ? AND idx = 1`).get(id) as { reason: string };
    const stopped = db.prepare(`SELECT status, ended_at FROM runs WHERE id = ?`).get(run.json.trials[1].run) as { status: string };
    db.close();
    expect(reason.reason).toMatch(/^hyperband: val_loss [\d.]+ at epoch 1 is outside the best 1\/2 of 2 trials/);
    expect(stopped.status).toBe('cancelled');
    expect(run.stderr).toMatch(/trial 1: hyperband/);
  });

  it('runs a random sweep with trials as child runs, and resumes after the process is killed mid-trial', async () => {
    const file = spec(
      'random.yaml',
      [
        'method: random',
        'metric: {name: val_accuracy, goal: maximize}',
        'dataset: iris',
        'model: template:mlp',
        'run_cap: 4',
        'seed: 11',
        'parameters:',
        '  learning_rate: {distribution: log_uniform_values, min: 0.001, max: 0.1}',
        '  units: {values: [8, 16]}',
        '  epochs: {value: 8}',
        '  backend: {value: cpu}',
      ].join('\n'),
    );
    const created = await lamina(['sweep', 'create', file], ws);
    expect(created.code, created.stderr).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{12}$/);

    // Kill the sweep's process (SIGKILL: no cleanup) once one trial has ended and the next is training.
    const child = startCli(['sweep', 'run', id], { workspace: ws });
    const ended = collect(child);
    const db = new Database(join(ws, 'lamina.db'), { readonly: true });
    const rows = () => db.prepare(`SELECT idx, status, run_id AS runId, params, attempt FROM sweep_trials WHERE sweep_id = ? ORDER BY idx`).all(id) as {
      idx: number; status: string; runId: string | null; params: string; attempt: number;
    }[];
    const deadline = Date.now() + 240_000;
    for (;;) {
      const r = rows();
      const running = r.find((t) => t.status === 'running' && t.runId);
      if (r.some((t) => t.status === 'completed') && running) {
        const steps = db.prepare(`SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?`).get(running.runId) as { n: number };
        if (steps.n > 0) break;
      }
      if (Date.now() > deadline) throw new Error(`the sweep never got to a second trial: ${JSON.stringify(r)}`);
      await sleep(200);
    }
    child.kill('SIGKILL');
    await ended;
    const cut = rows().find((t) => t.status === 'running')!;
    expect(cut).toBeDefined();

    const resumed = await lamina(['sweep', 'run', id, '--json'], ws);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`trial ${cut.idx} was cut off; re-queued as trial \\d+`));
    const after = rows();
    db.close();
    const cutNow = after.find((t) => t.idx === cut.idx)!;
    expect(cutNow.status).toBe('cut_off');
    const retry = after.find((t) => t.attempt === 2)!;
    expect(retry.params).toBe(cut.params);
    expect(retry.status).toBe('completed');
    // run_cap 4 counts the retry, not the cut-off attempt.
    expect(after.filter((t) => t.status === 'completed')).toHaveLength(4);
    expect(after).toHaveLength(5);

    const show = await lamina(['sweep', 'show', id, '--json'], ws);
    expect(show.code).toBe(0);
    expect(Object.keys(show.json).sort()).toEqual(['best', 'id', 'status', 'trials']);
    expect(show.json.status).toBe('finished');
    for (const t of show.json.trials) expect(Object.keys(t).sort()).toEqual(['metric', 'params', 'run', 'status']);
    const metrics = show.json.trials.filter((t: { status: string }) => t.status === 'completed').map((t: { metric: number }) => t.metric);
    expect(show.json.best.metric).toBe(Math.max(...metrics));

    // Every trial's run is a child of the sweep's own run; the cut-off run is recorded as interrupted.
    const ro = new Database(join(ws, 'lamina.db'), { readonly: true });
    const sweep = ro.prepare(`SELECT run_id AS runId FROM sweeps WHERE id = ?`).get(id) as { runId: string };
    const parent = ro.prepare(`SELECT status, model_name AS model FROM runs WHERE id = ?`).get(sweep.runId) as { status: string; model: string };
    const children = ro.prepare(`SELECT id, status, error FROM runs WHERE parent_run_id = ?`).all(sweep.runId) as { id: string; status: string; error: string | null }[];
    ro.close();
    expect(parent).toEqual({ status: 'completed', model: 'sweep' });
    expect(children).toHaveLength(5);
    expect(children.find((c) => c.id === cut.runId)).toMatchObject({ status: 'failed', error: expect.stringMatching(/the process running it ended \(pid \d+\)/) });

    const again = await lamina(['sweep', 'run', id], ws);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/has already finished/);
  });
});
