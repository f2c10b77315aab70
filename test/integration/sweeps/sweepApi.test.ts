/**
 * The sweeps.* API through dispatch on the real facade (a temp workspace, real training hosts on
 * iris): errors as typed values, a grid sweep started in the background and stopped, and the outputs
 * checked against the contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lamina } from '../../../src-main/core/lamina';
import { dispatch } from '../../../src-main/core/api/dispatch';

const iris = resolve(__dirname, '../../../resources/samples/iris.csv');
const ctx = { checkOutput: true };
let dir: string;
let core: Lamina;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-sweep-api-'));
  core = Lamina.open(dir);
  await core.importDataset(iris, { name: 'iris', target: 'species' });
});
afterAll(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const grid = (extra = '') => `
method: grid
metric: {name: val_accuracy, goal: maximize}
dataset: iris
model: template:mlp
parameters:
  learning_rate: {values: [0.05, 0.01, 0.002]}
  units: {values: [8, 16]}
  epochs: {value: 3}
  backend: {value: cpu}
${extra}`;

describe('sweeps API', () => {
  it('a bad spec is a bad-request value with one line, and creates nothing', async () => {
    const r = await dispatch(core, 'sweeps.create', { spec: 'method: grid\ndataset: iris\nmodel: template:mlp\nparameters: {lr: {min: 1, max: 0}}' }, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'bad-request', message: 'sweep spec: parameter "lr": min (1) is greater than max (0)' } });
    const missing = await dispatch(core, 'sweeps.get', { id: 'nope' }, ctx);
    expect(!missing.ok && missing.error.code).toBe('not-found');
    const list = await dispatch(core, 'sweeps.list', {}, ctx);
    expect(list).toEqual({ ok: true, value: [] });
  });

  it('creates, starts in the background, shows trials live, and finishes with the best trial', async () => {
    const created = await dispatch(core, 'sweeps.create', { spec: grid('run_cap: 4') }, ctx);
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value).toMatchObject({ status: 'created', method: 'grid', planned: 4 });
    expect(created.value.trials.map((t) => t.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
    const started = await dispatch(core, 'sweeps.start', { id: created.value.id, parallel: 2 }, ctx);
    expect(started.ok && started.value.status).toBe('running');
    const again = await dispatch(core, 'sweeps.start', { id: created.value.id }, ctx);
    expect(!again.ok && again.error.code).toBe('conflict');
    let view = started.ok ? started.value : null;
    let sawRunning = false;
    for (let i = 0; i < 600 && view?.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const g = await dispatch(core, 'sweeps.get', { id: created.value.id }, ctx);
      if (!g.ok) throw new Error(g.error.message);
      view = g.value;
      sawRunning ||= view.trials.filter((t) => t.status === 'running').length === 2;
    }
    expect(sawRunning).toBe(true);
    expect(view!.status).toBe('finished');
    expect(view!.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const best = Math.max(...view!.trials.map((t) => t.metric!));
    expect(view!.best!.metric).toBe(best);
    expect(view!.importance.map((i) => i.name).sort()).toEqual(['backend', 'epochs', 'learning_rate', 'units']);
    // The trials are child runs of the sweep's run.
    const runs = core.listRuns({});
    expect(runs.items.filter((r) => r.parentRunId === view!.runId)).toHaveLength(4);
  });

  it('stop cancels the running trials and leaves the rest', async () => {
    const created = await dispatch(core, 'sweeps.create', { spec: grid().replace('epochs: {value: 3}', 'epochs: {value: 200}') }, ctx);
    if (!created.ok) throw new Error(created.error.message);
    await dispatch(core, 'sweeps.start', { id: created.value.id }, ctx);
    for (let i = 0; i < 400; i++) {
      const g = await dispatch(core, 'sweeps.get', { id: created.value.id });
      if (g.ok && g.value.trials.some((t) => t.status === 'running' && t.run)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const stopped = await dispatch(core, 'sweeps.stop', { id: created.value.id }, ctx);
    expect(stopped.ok).toBe(true);
    let view;
    for (let i = 0; i < 400; i++) {
      const g = await dispatch(core, 'sweeps.get', { id: created.value.id }, ctx);
      view = g.ok ? g.value : null;
      if (view?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(view!.status).toBe('stopped');
    expect(view!.trials[0]).toMatchObject({ status: 'cancelled', reason: 'the sweep was stopped' });
    expect(view!.trials.slice(1).every((t) => t.status === 'pending')).toBe(true);
  });
});
