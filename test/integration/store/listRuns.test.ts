import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../src-main/core/domain';
import type { RunListQuery } from '../../../src-main/core/service';
import { MetricWriter } from '../../../src-main/core/store/metricWriter';
import { RunStore } from '../../../src-main/core/store/runStore';
import { LaminaError } from '../../../src-main/core/util/errors';
import { createRng } from '../../../src-main/core/util/random';
import { runInput, tempDb, type TempDb } from './fixtures/storeFixtures';

/** What the test knows about each seeded run: the reference the SQL results are checked against. */
interface Ref {
  id: string;
  experiment: string;
  status: RunStatus;
  name: string | null;
  modelName: string;
  createdAt: string;
  durationMs: number | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, number>;
}

const N = 300;
let t: TempDb;
let store: RunStore;
const refs: Ref[] = [];

beforeAll(() => {
  t = tempDb();
  store = new RunStore(t.db);
  const rng = createRng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng.next() * xs.length)];
  const statuses: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
  const writer = new MetricWriter(t.db, { maxBufferedPoints: 5000 });
  for (let i = 0; i < N; i++) {
    // Ids are hex-ish and not in creation order, so ordering by id and by time differ.
    const id = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0') + String(i).padStart(4, '0');
    const ref: Ref = {
      id,
      experiment: pick(['alpha', 'beta', 'gamma']),
      status: pick(statuses),
      name: i % 7 === 0 ? null : `run-${i}`,
      modelName: pick(['mlp', 'cnn', 'ResNet']),
      createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      durationMs: i % 5 === 0 ? null : Math.round(rng.next() * 10_000),
      params: { optimizer: pick(['adam', 'sgd', 'rmsprop']), lr: pick(['0.1', '0.01', '0.001', '1e-4', '0.05']), units: String(pick([16, 32, 64, 128])) },
      tags: {},
      metrics: {},
    };
    if (i % 4 === 0) ref.params.dropout = String(pick([0.1, 0.5]));
    if (i % 3 === 0) ref.tags.team = pick(['Vision', 'nlp', 'vision-2']);
    store.createRun(
      runInput(id, { experiment: ref.experiment, status: ref.status, name: ref.name, modelName: ref.modelName, createdAt: ref.createdAt, durationMs: ref.durationMs }),
    );
    store.setParams(id, ref.params);
    if (Object.keys(ref.tags).length) store.setTags(id, ref.tags);
    if (i % 10 !== 9) {
      // Several points per key; the summary's last is the value at the highest step.
      const acc = [rng.next(), rng.next(), rng.next()];
      const loss = [rng.next(), rng.next()];
      writer.write(id, acc.map((value, step) => ({ key: 'test_accuracy', step, epoch: step, value, time: step })));
      writer.write(id, loss.map((value, step) => ({ key: 'val_loss', step, epoch: step, value, time: step })));
      ref.metrics = { test_accuracy: acc[2], val_loss: loss[1] };
    }
    refs.push(ref);
  }
  writer.close();
});
afterAll(() => t.cleanup());

const byCreatedDesc = (a: Ref, b: Ref) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

function list(q: RunListQuery) {
  return store.listRuns(q);
}

describe('listRuns filter', () => {
  const cases: [string, (r: Ref) => boolean][] = [
    ['metrics.test_accuracy > 0.9', (r) => r.metrics.test_accuracy > 0.9],
    ['params.optimizer = "adam" and params.lr <= 0.01', (r) => r.params.optimizer === 'adam' && Number(r.params.lr) <= 0.01],
    ['(status = "completed" or status = "failed") and not experiment = "beta"', (r) => ['completed', 'failed'].includes(r.status) && r.experiment !== 'beta'],
    ['tags.team ~ "VIS"', (r) => (r.tags.team ?? '').toLowerCase().includes('vis')],
    ['tags.team = "vision-2" or tags.team = "nlp"', (r) => r.tags.team === 'vision-2' || r.tags.team === 'nlp'],
    ['params.dropout = null', (r) => r.params.dropout === undefined],
    ['params.dropout != null and params.dropout > 0.2', (r) => r.params.dropout !== undefined && Number(r.params.dropout) > 0.2],
    ['name != "run-3"', (r) => r.name !== 'run-3'],
    ['name = null', (r) => r.name === null],
    ['params.lr < "0.01"', (r) => r.params.lr < '0.01'],
    ['metrics.val_loss >= 0.5 or params.units > 64', (r) => r.metrics.val_loss >= 0.5 || Number(r.params.units) > 64],
    ['name like "run-1%"', (r) => (r.name ?? '').startsWith('run-1')],
    ['name like "n-2"', (r) => (r.name ?? '').includes('n-2')],
    ['model !~ "res"', (r) => !r.modelName.toLowerCase().includes('res')],
    ['duration_ms > 5000', (r) => r.durationMs !== null && r.durationMs > 5000],
    ['metrics.test_accuracy = null', (r) => r.metrics.test_accuracy === undefined],
    ['not (metrics.test_accuracy > 0.5)', (r) => !(r.metrics.test_accuracy > 0.5)],
    ['params.units = 64 && experiment = "alpha" || status = "queued"', (r) => (r.params.units === '64' && r.experiment === 'alpha') || r.status === 'queued'],
  ];
  for (const [filter, pred] of cases) {
    it(filter, () => {
      const expected = refs.filter(pred).sort(byCreatedDesc);
      const got = list({ filter });
      expect(got.total).toBe(expected.length);
      expect(ids(got.items)).toEqual(ids(expected));
      // Guard against vacuous cases: each filter selects some runs but not all.
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(N);
    });
  }

  it('combines filter with experiment and status', () => {
    const got = list({ filter: 'metrics.test_accuracy > 0.3', experiment: 'gamma', status: 'completed' });
    const expected = refs.filter((r) => r.metrics.test_accuracy > 0.3 && r.experiment === 'gamma' && r.status === 'completed').sort(byCreatedDesc);
    expect(ids(got.items)).toEqual(ids(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('rejects bad filters with an input error naming the position', () => {
    let err: unknown;
    try {
      list({ filter: 'metrics.acc >> 1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LaminaError);
    expect((err as LaminaError).kind).toBe('input');
    expect((err as LaminaError).message).toMatch(/position 14/);
  });
});

describe('listRuns order and pagination', () => {
  function nullsLast<T>(get: (r: Ref) => T | undefined | null, cmp: (a: T, b: T) => number, desc: boolean) {
    return (a: Ref, b: Ref) => {
      const x = get(a);
      const y = get(b);
      const xn = x === undefined || x === null;
      const yn = y === undefined || y === null;
      if (xn !== yn) return xn ? 1 : -1;
      if (!xn && !yn) {
        const c = cmp(x as T, y as T);
        if (c !== 0) return desc ? -c : c;
      }
      return byCreatedDesc(a, b);
    };
  }
  const numCmp = (a: number, b: number) => a - b;
  const strCmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  const cases: [string, (a: Ref, b: Ref) => number][] = [
    ['-metrics.test_accuracy', nullsLast((r) => r.metrics.test_accuracy, numCmp, true)],
    ['metrics.val_loss', nullsLast((r) => r.metrics.val_loss, numCmp, false)],
    ['params.lr', nullsLast((r) => num(r.params.lr), numCmp, false)],
    ['-params.dropout', nullsLast((r) => num(r.params.dropout), numCmp, true)],
    ['created_at', nullsLast((r) => r.createdAt, strCmp, false)],
    ['-duration_ms', nullsLast((r) => r.durationMs, numCmp, true)],
    ['durationMs asc', nullsLast((r) => r.durationMs, numCmp, false)],
    ['status', nullsLast((r) => r.status, strCmp, false)],
    ['-name', nullsLast((r) => r.name, strCmp, true)],
    ['experiment', nullsLast((r) => r.experiment, strCmp, false)],
    ['id', nullsLast((r) => r.id, strCmp, false)],
  ];
  for (const [orderBy, cmp] of cases) {
    it(`orderBy ${orderBy}`, () => {
      const expected = [...refs].sort(cmp);
      expect(ids(list({ orderBy }).items)).toEqual(ids(expected));
    });
  }

  it('pages with limit/offset over the same order and keeps total', () => {
    const all = list({ orderBy: '-metrics.test_accuracy', filter: 'status != "queued"' });
    const pages: string[] = [];
    for (let offset = 0; offset < all.total; offset += 25) {
      const page = list({ orderBy: '-metrics.test_accuracy', filter: 'status != "queued"', limit: 25, offset });
      expect(page.total).toBe(all.total);
      expect(page.items.length).toBeLessThanOrEqual(25);
      pages.push(...ids(page.items));
    }
    expect(pages).toEqual(ids(all.items));
    expect(list({ limit: 10, offset: N + 5 })).toEqual({ total: N, items: [] });
    expect(list({ limit: 0 }).items).toEqual([]);
  });

  it('rejects unknown order fields and bad paging', () => {
    expect(() => list({ orderBy: 'colour' })).toThrow(/orderBy: unknown field "colour"/);
    expect(() => list({ orderBy: 'metrics.' })).toThrow(/expected a key/);
    expect(() => list({ limit: -5 })).toThrow(/limit/);
    expect(() => list({ offset: 1.5 })).toThrow(/offset/);
  });
});

describe('listRuns search and items', () => {
  function matches(r: Ref, term: string): boolean {
    const t = term.toLowerCase();
    const hay = [r.name ?? '', r.id, r.experiment, r.modelName, ...Object.entries(r.tags).flat(), ...Object.entries(r.params).flat()];
    return hay.some((h) => h.toLowerCase().includes(t));
  }
  for (const search of ['resnet', 'alpha rmsprop', 'VISION', 'run-12', '1e-4', 'dropout gamma', '%', 'zzz-nothing']) {
    it(`search "${search}"`, () => {
      const terms = search.split(/\s+/);
      const expected = refs.filter((r) => terms.every((term) => matches(r, term))).sort(byCreatedDesc);
      const got = list({ search });
      expect(got.total).toBe(expected.length);
      expect(ids(got.items)).toEqual(ids(expected));
    });
  }

  it('returns params, tags and last metric values with each item', () => {
    const got = list({ limit: N });
    const byId = new Map(got.items.map((i) => [i.id, i]));
    for (const r of refs) {
      const item = byId.get(r.id)!;
      expect(item).toMatchObject({ name: r.name, experiment: r.experiment, status: r.status, modelName: r.modelName, createdAt: r.createdAt, durationMs: r.durationMs });
      expect(item.params).toEqual(r.params);
      expect(item.tags).toEqual(r.tags);
      expect(item.metrics).toEqual(r.metrics);
    }
  });
});
