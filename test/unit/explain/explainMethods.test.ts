/**
 * Explanation methods on models trained here, in this process (the host's runner, no fork):
 * IG completeness on a CNN and an MLP, Grad-CAM's pointing game on synthetic lesion images,
 * permutation importance finding the two informative features, determinism under the seed,
 * and clear errors for methods that do not fit the data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExplain } from '../../../src-main/core/engine/host/explain/explainRunner';
import type { ExplainJobMessage, ExplainedMessage } from '../../../src-main/core/explain/messages';
import type { ExplainMethod, ExplainOptions, ExplainSelection } from '../../../src-main/core/explain/types';
import { HostError } from '../../../src-main/core/engine/host/hostError';
import { runInProcess, template } from '../engine/helpers/runInProcess';
import { INFORMATIVE, lesionImages, twoFeatureTable, type LesionImages } from './syntheticData';

type Trained = { data: LesionImages['data']; meta: LesionImages['meta']; modelDir: string };

let count = 0;
async function explain(t: Trained, method: ExplainMethod, selection: ExplainSelection, options: ExplainOptions = {}): Promise<ExplainedMessage & { outDir: string }> {
  const outDir = join(t.modelDir, '..', 'explain', `${method}-${++count}`);
  const msg: ExplainJobMessage = {
    type: 'explain', runId: 'test', modelDir: t.modelDir, dataset: t.meta, datasetFile: '', seed: 3, backend: 'wasm',
    method, selection, options, outDir, dir: 'explain/x', sources: null,
  };
  const out = await runExplain(msg, { emit: () => {}, cancelled: () => false, loadData: async () => t.data });
  return { ...out, outDir };
}

describe('explaining a CNN trained on synthetic lesion images', () => {
  const ds = lesionImages();
  let cnn: Trained;
  beforeAll(async () => {
    const run = await runInProcess(ds, template('small-cnn'), { epochs: 8, batchSize: 32, seed: 2, backend: 'wasm', params: { dropout: 0, filters: 8 } });
    expect(run.error).toBeNull();
    expect(run.done?.testMetrics.test_accuracy).toBeGreaterThan(0.9);
    cnn = { data: ds.data, meta: ds.meta, modelDir: join(run.artifactsDir, 'model') };
  });

  it('Grad-CAM peaks within 1.5 radii of the lesion for at least 80 % of correctly classified lesion images', async () => {
    const out = await explain(cnn, 'gradcam', { split: 'test', classLabel: 'lesion', limit: 40 });
    const result = out.result!;
    expect(result.options.layer).toBeTruthy();
    const correct = result.samples.filter((s) => s.predicted === s.truth);
    expect(correct.length).toBeGreaterThan(20);
    const hits = correct.filter((s) => {
      const l = ds.lesions[s.sample]!;
      return Math.hypot(s.peak.row - l.row, s.peak.col - l.col) <= 1.5 * l.radius;
    });
    const pointing = hits.length / correct.length;
    console.log(`Grad-CAM pointing game: ${hits.length}/${correct.length} = ${(pointing * 100).toFixed(1)} %`);
    expect(pointing).toBeGreaterThanOrEqual(0.8);
    // Files: an overlay PNG and the raw attribution per sample, the per-class mean, result.json.
    expect(result.classMeans.map((c) => c.label)).toEqual(['lesion']);
    const png = readFileSync(join(out.outDir, result.samples[0].overlay));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const raw = JSON.parse(readFileSync(join(out.outDir, result.samples[0].attribution), 'utf8'));
    expect(raw.shape).toEqual([24, 24, 1]);
    expect(raw.map).toHaveLength(24 * 24);
    expect(JSON.parse(readFileSync(join(out.outDir, 'result.json'), 'utf8')).samples).toHaveLength(result.samples.length);
  });

  it('integrated gradients sum to f(x) − f(baseline) within 1 % (black and blurred baselines)', async () => {
    for (const baseline of ['black', 'blurred'] as const) {
      const out = await explain(cnn, 'ig', { split: 'test', limit: 6 }, { steps: 64, baseline });
      const errors = out.result!.samples.map((s) => s.completenessError!);
      console.log(`IG completeness on the CNN (${baseline}): max error ${(Math.max(...errors) * 100).toFixed(3)} %`);
      for (const e of errors) expect(e).toBeLessThan(0.01);
    }
  });

  it('saliency, SmoothGrad and occlusion write an overlay and a raw attribution per sample; SmoothGrad repeats exactly under the seed', async () => {
    for (const method of ['saliency', 'smoothgrad', 'occlusion'] as const) {
      const out = await explain(cnn, method, { samples: [0, 2] });
      expect(out.status).toBe('completed');
      expect(out.result!.samples.map((s) => s.sample)).toEqual([0, 2]);
    }
    const a = await explain(cnn, 'smoothgrad', { samples: [4] }, { noiseSamples: 8 });
    const b = await explain(cnn, 'smoothgrad', { samples: [4] }, { noiseSamples: 8 });
    const raw = (o: typeof a) => readFileSync(join(o.outDir, o.result!.samples[0].attribution), 'utf8');
    expect(raw(a)).toBe(raw(b));
  });

  it('the worst mistakes are wrong predictions, most confident first', async () => {
    const out = await explain(cnn, 'saliency', { worst: 3 });
    const s = out.result!.samples;
    for (const x of s) expect(x.predicted).not.toBe(x.truth);
    for (let i = 1; i < s.length; i++) expect(s[i - 1].confidence).toBeGreaterThanOrEqual(s[i].confidence);
  });

  it('permutation importance on an image dataset is refused with a clear error', async () => {
    await expect(explain(cnn, 'permutation', {})).rejects.toThrow(/shuffles table columns/);
  });
});

describe('explaining an MLP trained on a table where only f2 and f7 carry the label', () => {
  const ds = twoFeatureTable();
  let mlp: Trained;
  beforeAll(async () => {
    const run = await runInProcess(ds, template('mlp'), { epochs: 30, batchSize: 32, seed: 4, backend: 'cpu' });
    expect(run.error).toBeNull();
    expect(run.done?.testMetrics.test_accuracy).toBeGreaterThan(0.85);
    mlp = { data: ds.data, meta: ds.meta, modelDir: join(run.artifactsDir, 'model') };
  });

  it('permutation importance ranks f2 and f7 first and the other eight near zero', async () => {
    const out = await explain(mlp, 'permutation', {}, { repeats: 5 });
    const f = out.result!.features!;
    console.log('permutation importance:', f.map((x) => `${x.name} ${x.importance.toFixed(3)} ± ${x.std.toFixed(3)}`).join(', '));
    expect(f.slice(0, 2).map((x) => x.name).sort()).toEqual(INFORMATIVE);
    for (const other of f.slice(2)) expect(Math.abs(other.importance)).toBeLessThan(0.05);
    expect(f[1].importance).toBeGreaterThan(0.15);
    expect(out.result!.metric).toBe('accuracy');
  });

  it('integrated gradients per feature are complete within 1 % and point at f2/f7', async () => {
    const out = await explain(mlp, 'ig', { split: 'test', limit: 10 }, { steps: 64 });
    const r = out.result!;
    for (const s of r.samples) expect(s.completenessError!).toBeLessThan(0.01);
    console.log(`IG completeness on the MLP: max error ${(Math.max(...r.samples.map((s) => s.completenessError!)) * 100).toFixed(3)} %`);
    expect(r.features!.slice(0, 2).map((x) => x.name).sort()).toEqual(INFORMATIVE);
    const raw = JSON.parse(readFileSync(join(out.outDir, r.samples[0].attribution), 'utf8'));
    expect(raw.features).toEqual(ds.meta.features);
    expect(raw.values).toHaveLength(10);
  });

  it('Grad-CAM on a table is refused with a clear error', async () => {
    await expect(explain(mlp, 'gradcam', {})).rejects.toThrow(HostError);
    await expect(explain(mlp, 'gradcam', {})).rejects.toThrow(/explains images/);
  });

  it('reports progress and stops when cancelled, leaving no result', async () => {
    const seen: number[] = [];
    let stop = false;
    const msg: ExplainJobMessage = {
      type: 'explain', runId: 'test', modelDir: mlp.modelDir, dataset: mlp.meta, datasetFile: '', seed: 3, backend: 'cpu',
      method: 'permutation', selection: {}, options: { repeats: 5 }, outDir: join(mlp.modelDir, '..', 'explain', 'cancelled'), dir: 'explain/cancelled', sources: null,
    };
    const out = await runExplain(msg, {
      emit: (m) => {
        if (m.type === 'explain.progress') {
          seen.push(m.done);
          stop = m.done >= 3;
        }
      },
      cancelled: () => stop,
      loadData: async () => mlp.data,
    });
    expect(out).toEqual({ type: 'explained', status: 'cancelled', result: null });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a class that is not in the dataset is a clear error', async () => {
    await expect(explain(mlp, 'ig', { classLabel: 'maybe' })).rejects.toThrow(/no class "maybe"/);
  });
});
