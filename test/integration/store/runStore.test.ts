import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../../src-main/core/domain';
import { closeDatabase, openDatabase } from '../../../src-main/core/store/database';
import { MetricQueries } from '../../../src-main/core/store/metricQueries';
import { MetricWriter } from '../../../src-main/core/store/metricWriter';
import { INTERRUPTED_ERROR, RunStore } from '../../../src-main/core/store/runStore';
import { LaminaError } from '../../../src-main/core/util/errors';
import { baseConfig, runInput, tempDb, type TempDb } from './fixtures/storeFixtures';

let t: TempDb;
let store: RunStore;
beforeEach(() => {
  t = tempDb();
  store = new RunStore(t.db);
});
afterEach(() => t.cleanup());

function caught(fn: () => unknown): LaminaError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LaminaError);
    return err as LaminaError;
  }
  throw new Error('expected an error');
}

describe('experiments', () => {
  it('ensureExperiment is idempotent and listExperiments counts runs', () => {
    const a = store.ensureExperiment('alpha');
    expect(store.ensureExperiment('alpha').id).toBe(a.id);
    store.createRun(runInput('r1', { experiment: 'alpha' }));
    store.createRun(runInput('r2', { experiment: 'beta' }));
    store.createRun(runInput('r3', { experiment: 'alpha' }));
    expect(store.listExperiments().map((e) => [e.name, e.runCount])).toEqual([
      ['alpha', 2],
      ['beta', 1],
    ]);
    expect(caught(() => store.ensureExperiment('  ')).kind).toBe('input');
  });
});

describe('runs', () => {
  it('creates a run with defaults and reads every field back', () => {
    const run = store.createRun(
      runInput('0a1b2c', { topology: { class_name: 'Sequential', config: { layers: [] } }, config: { ...baseConfig, params: { units: 8 } } }),
    );
    expect(run).toMatchObject({
      id: '0a1b2c',
      experiment: 'default',
      name: null,
      status: 'queued',
      backend: null,
      notes: '',
      error: null,
      topology: { class_name: 'Sequential', config: { layers: [] } },
      config: { ...baseConfig, params: { units: 8 } },
    });
    expect(Date.parse(run.createdAt)).not.toBeNaN();
    expect(store.getRun('0a1b2c')).toEqual(run);
    expect(caught(() => store.createRun(runInput('0a1b2c'))).kind).toBe('conflict');
  });

  it('updates a run partially, including its experiment and process ids', () => {
    store.createRun(runInput('run-1', { ownerPid: 111 }));
    const u = store.updateRun('run-1', {
      status: 'completed',
      backend: 'wasm',
      backendReason: 'tensorflow: not installed',
      startedAt: '2024-01-01T00:00:00.000Z',
      endedAt: '2024-01-01T00:00:05.000Z',
      durationMs: 5000,
      experiment: 'moved',
      notes: 'hello',
      hostPid: 222,
    });
    expect(u).toMatchObject({ status: 'completed', backend: 'wasm', durationMs: 5000, experiment: 'moved', notes: 'hello', name: null });
    expect(store.getRunProcessIds('run-1')).toEqual({ ownerPid: 111, hostPid: 222 });
    expect(caught(() => store.updateRun('missing', { status: 'failed' })).kind).toBe('not-found');
    expect(caught(() => store.updateRun('run-1', { bogus: 1 } as never)).kind).toBe('input');
    // Status is constrained by the schema.
    expect(() => store.updateRun('run-1', { status: 'weird' as never })).toThrow(/CHECK/);
  });

  it('finds runs by unique id prefix and reports ambiguous prefixes', () => {
    store.createRun(runInput('abc123'));
    store.createRun(runInput('abd456'));
    store.createRun(runInput('abd789'));
    expect(store.getRun('abc')!.id).toBe('abc123');
    expect(store.getRun('abd4')!.id).toBe('abd456');
    expect(store.getRun('zzz')).toBeNull();
    expect(store.getRun('abc1234')).toBeNull();
    const err = caught(() => store.getRun('abd'));
    expect(err.kind).toBe('input');
    expect(err.message).toMatch(/ambiguous: it matches abd456, abd789/);
    expect(caught(() => store.getRun('ab')).message).toMatch(/abc123, abd456, abd789/);
    expect(caught(() => store.requireRun('nope')).kind).toBe('not-found');
    // A prefix with LIKE wildcards is taken literally.
    expect(store.getRun('ab%')).toBeNull();
  });

  it('deletes a run with everything attached, leaving other runs alone', () => {
    for (const id of ['keep', 'gone']) {
      store.createRun(runInput(id));
      store.setParams(id, { lr: 0.1, opt: 'adam' });
      store.setTags(id, { team: 'x' });
      store.addArtifact({ runId: id, path: 'model/model.json', kind: 'model', bytes: 10, sha256: 'h', createdAt: 'now' });
      store.saveEvaluation(id, { accuracy: 1 });
    }
    const w = new MetricWriter(t.db);
    w.write('gone', [{ key: 'loss', step: 0, epoch: 0, value: 1, time: 1 }]);
    w.write('keep', [{ key: 'loss', step: 0, epoch: 0, value: 1, time: 1 }]);
    w.close();
    expect(store.deleteRun('gone')).toBe(true);
    expect(store.deleteRun('gone')).toBe(false);
    for (const table of ['params', 'tags', 'artifacts', 'evaluations', 'metrics', 'metric_summaries']) {
      const rows = t.db.prepare(`SELECT DISTINCT run_id FROM ${table}`).pluck().all();
      expect(rows, table).toEqual(['keep']);
    }
  });

  it('stores params and tags, upserting and keeping numeric values comparable', () => {
    store.createRun(runInput('r'));
    store.setParams('r', { lr: 0.01, optimizer: 'adam', shuffle: true });
    store.setParams('r', { lr: '1e-3' });
    expect(store.getParams('r')).toEqual({ lr: '1e-3', optimizer: 'adam', shuffle: 'true' });
    expect(t.db.prepare(`SELECT num FROM params WHERE key = 'lr'`).pluck().get()).toBe(0.001);
    expect(t.db.prepare(`SELECT num FROM params WHERE key = 'optimizer'`).pluck().get()).toBeNull();
    store.setTags('r', { team: 'vision', prio: '2' });
    expect(store.getTags('r')).toEqual({ prio: '2', team: 'vision' });
    expect(store.deleteTag('r', 'prio')).toBe(true);
    expect(store.getTags('r')).toEqual({ team: 'vision' });
    expect(caught(() => store.setParams('nope', { a: 1 })).kind).toBe('not-found');
    expect(caught(() => store.setTags('r', { '': 'x' })).kind).toBe('input');
  });

  it('records artifacts and evaluations', () => {
    store.createRun(runInput('r'));
    store.addArtifact({ runId: 'r', path: 'b.bin', kind: 'weights', bytes: 3, sha256: 'x', createdAt: 't1' });
    store.addArtifact({ runId: 'r', path: 'a.json', kind: 'model', bytes: 2, sha256: 'y', createdAt: 't1' });
    store.addArtifact({ runId: 'r', path: 'b.bin', kind: 'weights', bytes: 4, sha256: 'z', createdAt: 't2' });
    expect(store.listArtifacts('r')).toEqual([
      { runId: 'r', path: 'a.json', kind: 'model', bytes: 2, sha256: 'y', createdAt: 't1' },
      { runId: 'r', path: 'b.bin', kind: 'weights', bytes: 4, sha256: 'z', createdAt: 't2' },
    ]);
    expect(store.getEvaluation('r')).toBeNull();
    const report = { classes: ['a', 'b'], confusion: [[1, 0], [0, 1]], perClass: [], accuracy: 1, macroF1: 1 };
    store.saveEvaluation('r', report);
    store.saveEvaluation('r', { ...report, accuracy: 0.5 });
    expect(store.getEvaluation('r')).toEqual({ ...report, accuracy: 0.5 });
    expect(() => store.addArtifact({ runId: 'nope', path: 'x', kind: 'k', bytes: 0, sha256: '', createdAt: '' })).toThrow(/FOREIGN KEY/);
  });

  it('marks runs of dead owner processes as interrupted, leaving live and finished ones', () => {
    store.createRun(runInput('live', { status: 'running', ownerPid: 10 }));
    store.createRun(runInput('dead', { status: 'running', ownerPid: 20, startedAt: '2024-01-01T00:00:00Z' }));
    store.createRun(runInput('queued-dead', { status: 'queued', ownerPid: 30 }));
    store.createRun(runInput('orphan', { status: 'running' })); // no owner recorded
    store.createRun(runInput('done', { status: 'completed', ownerPid: 20 }));
    const asked: number[] = [];
    const marked = store.markInterruptedRuns((pid) => {
      asked.push(pid);
      return pid === 10;
    });
    expect(marked.sort()).toEqual(['dead', 'orphan', 'queued-dead']);
    expect(asked).not.toContain(null);
    for (const id of marked) {
      const r = store.getRun(id)!;
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(new RegExp(`^${INTERRUPTED_ERROR} \\(pid (20|30|unknown)\\)$`));
      expect(r.endedAt).not.toBeNull();
    }
    expect(store.getRun('live')!.status).toBe('running');
    expect(store.getRun('done')!).toMatchObject({ status: 'completed', error: null });
    expect(store.markInterruptedRuns(() => false)).toEqual(['live']);
  });

  it('persists across re-open (real file)', () => {
    store.createRun(runInput('persist'));
    closeDatabase(t.db);
    t.db = openDatabase(t.file);
    expect(new RunStore(t.db).getRun('persist')!.id).toBe('persist');
    expect(new MetricQueries(t.db).listMetricKeys('persist')).toEqual([]);
  });
});

function dataset(id: string, name: string): DatasetMeta {
  return {
    id,
    name,
    kind: 'tabular',
    source: '/data/iris.csv',
    rows: 150,
    features: ['a', 'b', 'c', 'd'],
    target: 'species',
    task: 'classification',
    classes: ['setosa', 'versicolor', 'virginica'],
    inputShape: [4],
    splits: { train: 105, validation: 22, test: 23 },
    splitSeed: 7,
    columns: [{ name: 'a', type: 'number', missing: 0, mean: 5.8, std: 0.8, min: 4.3, max: 7.9 }],
    hash: 'f'.repeat(64),
    file: `datasets/${id}/data.arrow`,
    bytes: 4096,
    createdAt: `2024-01-0${id.length % 9}T00:00:00.000Z`,
  };
}

describe('dataset catalog', () => {
  it('inserts, finds by id / name / unique prefix, lists and deletes', () => {
    const iris = dataset('d1a2b3', 'iris');
    store.insertDataset(iris);
    store.insertDataset(dataset('d1c4d5e6', 'digits'));
    expect(store.getDataset('d1a2b3')).toEqual(iris);
    expect(store.getDataset('iris')).toEqual(iris);
    expect(store.getDataset('d1a')).toEqual(iris);
    expect(store.getDataset('nope')).toBeNull();
    expect(store.getDataset('')).toBeNull();
    expect(caught(() => store.getDataset('d1')).message).toMatch(/ambiguous: it matches d1a2b3, d1c4d5e6/);
    expect(store.datasetNameTaken('iris')).toBe(true);
    expect(store.datasetNameTaken('Iris')).toBe(false);
    expect(store.listDatasets().map((d) => d.name)).toEqual(['iris', 'digits']);
    const dup = caught(() => store.insertDataset(dataset('other', 'iris')));
    expect(dup.kind).toBe('conflict');
    expect(dup.location.field).toBe('name');
    expect(caught(() => store.insertDataset(dataset('d1a2b3', 'iris2'))).kind).toBe('conflict');
    expect(store.deleteDataset('d1a2b3')).toBe(true);
    expect(store.deleteDataset('d1a2b3')).toBe(false);
    expect(store.getDataset('iris')).toBeNull();
  });

  it('lets a run outlive its dataset', () => {
    store.insertDataset(dataset('ds1', 'iris'));
    store.createRun(runInput('r', { datasetId: 'ds1' }));
    store.deleteDataset('ds1');
    expect(store.getRun('r')!.datasetId).toBe('ds1');
  });
});

describe('plugins table', () => {
  it('upserts, enables/disables, records errors', () => {
    const p = store.upsertPlugin({ id: 'recsys', version: '1.0.0', path: '/p/recsys', manifest: { lamina: { apiVersion: 1 } } });
    expect(p).toMatchObject({ id: 'recsys', enabled: true, error: null, manifest: { lamina: { apiVersion: 1 } } });
    store.setPluginEnabled('recsys', false);
    store.setPluginError('recsys', 'entry point threw');
    // An upgrade keeps the user's enabled choice and the error unless told otherwise.
    const up = store.upsertPlugin({ id: 'recsys', version: '1.1.0', path: '/p/recsys', manifest: {} });
    expect(up).toMatchObject({ version: '1.1.0', enabled: false, error: 'entry point threw' });
    const reset = store.upsertPlugin({ id: 'recsys', version: '1.1.0', path: '/p/recsys', manifest: {}, enabled: true, error: null });
    expect(reset).toMatchObject({ enabled: true, error: null });
    store.upsertPlugin({ id: 'aaa', version: '0.1.0', path: '/p/aaa', manifest: {}, enabled: false });
    expect(store.listPlugins().map((x) => [x.id, x.enabled])).toEqual([
      ['aaa', false],
      ['recsys', true],
    ]);
    expect(caught(() => store.setPluginEnabled('missing', true)).kind).toBe('not-found');
    expect(caught(() => store.setPluginError('missing', 'x')).kind).toBe('not-found');
    expect(store.deletePlugin('aaa')).toBe(true);
    expect(store.getPlugin('aaa')).toBeNull();
  });
});
