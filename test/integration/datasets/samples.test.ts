/**
 * Built-in sample datasets: the manifest matches the shipped files and their attribution, and
 * importing one through the contract is an ordinary import with the sample's target.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/core/api/dispatch';
import { listSampleDatasets, samplesDir } from '../../../src-main/core/datasets/samples';
import { Lamina } from '../../../src-main/core/lamina';

let dir: string;
let core: Lamina;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lamina-samples-'));
  core = Lamina.open(dir);
});
afterAll(async () => {
  await core.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('sample datasets', () => {
  it('lists every shipped sample with a file that exists and an attribution in the samples README', () => {
    const samples = listSampleDatasets();
    expect(samples.map((s) => s.id)).toEqual(['iris', 'digits-8x8', 'breast-cancer-wisconsin', 'co2-seasons']);
    const readme = readFileSync(join(samplesDir(), 'README.md'), 'utf8');
    for (const s of samples) {
      expect(existsSync(join(samplesDir(), s.file)), s.file).toBe(true);
      expect(readme).toContain(`\`${s.file}\``);
      expect(s.source).toMatch(/CC BY 4\.0|public domain/);
      // The target is a column of the file's header.
      const header = readFileSync(join(samplesDir(), s.file), 'utf8').split(/\r?\n/, 1)[0]!.split(',');
      expect(header).toContain(s.target);
    }
  });

  it('imports a sample through the contract with its target, and names repeats apart', async () => {
    const ctx = { checkOutput: true };
    const listed = await dispatch(core, 'datasets.samples', {}, ctx);
    expect(listed.ok && listed.value.length).toBe(4);
    const first = await dispatch(core, 'datasets.importSample', { sample: 'breast-cancer-wisconsin' }, ctx);
    expect(first.ok, JSON.stringify(first)).toBe(true);
    if (!first.ok) return;
    expect(first.value).toMatchObject({ name: 'breast-cancer-wisconsin', rows: 569, target: 'diagnosis', task: 'classification', classes: ['benign', 'malignant'] });
    expect(first.value.features).toHaveLength(30);
    const again = await dispatch(core, 'datasets.importSample', { sample: 'breast-cancer-wisconsin', seed: 3 }, ctx);
    expect(again.ok && again.value.name).toBe('breast-cancer-wisconsin-2');
    expect(again.ok && again.value.hash).not.toBe(first.value.hash);
    // Another target than the sample's, as for any import.
    const regression = await dispatch(core, 'datasets.importSample', { sample: 'iris', target: 'petal_width', task: 'regression' }, ctx);
    expect(regression.ok && regression.value).toMatchObject({ target: 'petal_width', task: 'regression' });
  });

  it('answers an unknown sample with not-found naming the samples there are', async () => {
    const r = await dispatch(core, 'datasets.importSample', { sample: 'mnist' });
    expect(r).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(!r.ok && r.error.message).toBe('no sample dataset "mnist"; available: iris, digits-8x8, breast-cancer-wisconsin, co2-seasons');
  });

  it('ships a sequence sample the LSTM template learns out of the box (seasonal CO₂ windows)', async () => {
    const ds = await core.importSample('co2-seasons');
    expect(ds).toMatchObject({ rows: 1128, target: 'next_4_weeks', task: 'classification', classes: ['falling', 'rising'] });
    expect(ds.features).toHaveLength(25);
    const run = await core.train({ dataset: ds.id, model: 'template:lstm', config: { seed: 1, epochs: 15, backend: 'wasm' } });
    expect(run.status, run.error ?? '').toBe('completed');
    const detail = core.getRunDetail(run.id);
    const acc = detail.metrics.find((m) => m.key === 'test_accuracy')!.last;
    // Majority class is 60 %; the LSTM reads the seasonal phase from the sequence.
    expect(acc).toBeGreaterThan(0.75);
  }, 900_000);
});
