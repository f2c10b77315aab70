import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { iris, trainConfig } from './helpers/csvDataset';
import { runInProcess, template } from './helpers/runInProcess';
import { buildModelFromSource } from '../../../src-main/core/models/modelSource';
import { chooseBackend } from '../../../src-main/core/engine/host/backends';
import { installSeededRandom } from '../../../src-main/core/engine/host/determinism';
import { train, disposeSplits } from '../../../src-main/core/engine/host/trainer';
import { loadModel } from '../../../src-main/core/engine/host/modelIo';

const mlp = template('mlp');

/** Regression on iris: predict petal width (standardised) from the features. */
function irisRegression() {
  const reg = iris();
  for (let i = 0; i < reg.data.n; i++) reg.data.y[i] = reg.data.x[i * 4 + 3];
  reg.meta.task = 'regression';
  reg.meta.classes = [];
  return reg;
}

describe('trainer', () => {
  let tensorsBefore = 0;
  beforeEach(() => {
    tensorsBefore = tf.memory().numTensors;
  });
  afterEach(() => {
    // A finished run leaves nothing behind (a few backend-level constants aside).
    expect(tf.memory().numTensors - tensorsBefore).toBeLessThan(5);
  });

  it('trains the MLP template on iris to test accuracy ≥ 0.93 and saves a loadable model', async () => {
    const ds = iris();
    const run = await runInProcess(ds, mlp, { epochs: 60, batchSize: 16 });
    expect(run.error).toBeNull();
    const done = run.done!;
    expect(done.status).toBe('completed');
    expect(done.epochsRun).toBe(60);
    expect(done.testMetrics.test_accuracy).toBeGreaterThanOrEqual(0.93);
    expect(done.testMetrics.test_f1_macro).toBeGreaterThan(0.9);
    expect(done.testMetrics.test_loss).toBeLessThan(0.5);
    expect(done.report!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(ds.meta.splits.test);
    expect(run.messages.filter((m) => m.type === 'artifact').map((m) => m.type === 'artifact' && m.path)).toEqual(['model-summary.json', 'model', 'evaluation.json']);
    const evaluation = JSON.parse(readFileSync(join(run.artifactsDir, 'evaluation.json'), 'utf8'));
    expect(evaluation.testMetrics.test_accuracy).toBe(done.testMetrics.test_accuracy);

    // The saved model predicts exactly what the trained one did: reload and re-score the test split.
    const model = await loadModel(join(run.artifactsDir, 'model'));
    const rows = [...ds.data.split.keys()].filter((i) => ds.data.split[i] === 2);
    const x = tf.tensor2d(rows.flatMap((r) => Array.from(ds.data.x.subarray(r * 4, r * 4 + 4))), [rows.length, 4]);
    const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(1).dataSync());
    const correct = rows.filter((r, i) => predicted[i] === ds.data.y[r]).length;
    expect(correct / rows.length).toBe(done.testMetrics.test_accuracy);
    x.dispose();
    model.dispose();
  });

  it('streams per-batch and per-epoch metrics with the agreed keys and steps', async () => {
    const run = await runInProcess(iris(), mlp, { epochs: 2, batchSize: 16 });
    const kinds = run.messages.map((m) => m.type);
    expect(kinds.slice(0, 2)).toEqual(['backend', 'model']);
    const batches = Math.ceil(105 / 16); // 7
    const batchLoss = run.points.filter((p) => p.key === 'batch/loss');
    expect(batchLoss.map((p) => p.step)).toEqual(Array.from({ length: 2 * batches }, (_, i) => i + 1));
    expect(batchLoss.map((p) => p.epoch)).toEqual(Array.from({ length: 2 * batches }, (_, i) => (i < batches ? 1 : 2)));
    expect(run.series('batch/accuracy')).toHaveLength(2 * batches);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
      expect(run.points.filter((p) => p.key === key).map((p) => [p.step, p.epoch])).toEqual([[1, 1], [2, 2]]);
    }
    expect(run.points.some((p) => p.key.includes('acc') && !p.key.includes('accuracy'))).toBe(false);
    const progress = run.messages.filter((m) => m.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ epoch: 2, epochs: 2, batch: batches, batches });
    // Batched: far fewer messages than points.
    expect(run.messages.filter((m) => m.type === 'metrics').length).toBeLessThan(run.points.length / 2);
    const model = run.messages.find((m) => m.type === 'model');
    expect(model?.type === 'model' && model.resolvedParams).toEqual({ optimizer: 'adam', optimizer_class: 'Adam', learning_rate: 0.01, loss: 'categoricalCrossentropy', layers: 5, total_params: 739, fit_target: 'label' });
  });

  it('stops with reason "nan" naming the epoch and batch when the loss diverges (lr 1e6)', async () => {
    const run = await runInProcess(irisRegression(), mlp, { epochs: 3, batchSize: 16, params: { optimizer: 'sgd', lr: 1e6 } });
    expect(run.done).toBeNull();
    expect(run.error?.reason).toBe('nan');
    expect(run.error?.message).toMatch(/^loss became (NaN|Infinity) at epoch \d+, batch \d+/);
    expect(run.points.every((p) => Number.isFinite(p.value))).toBe(true);
  });

  it('stops with reason "nan" at epoch 1, batch 1 when the data holds a NaN', async () => {
    const ds = iris();
    ds.data.x.fill(NaN, 0, ds.data.x.length); // every feature
    const run = await runInProcess(ds, mlp, { epochs: 2 });
    expect(run.error?.reason).toBe('nan');
    expect(run.error?.message).toMatch(/^loss became NaN at epoch 1, batch 1\b/);
  });

  it('cancels at the next batch and reports status "cancelled"', async () => {
    const run = await runInProcess(iris(), mlp, { epochs: 50, batchSize: 8 }, { cancelAfterBatches: 20 });
    expect(run.done?.status).toBe('cancelled');
    expect(run.done!.epochsRun).toBeLessThan(3);
    const seen = run.series('batch/loss').length;
    expect(seen).toBeGreaterThanOrEqual(20);
    expect(seen).toBeLessThan(40);
    expect(existsSync(join(run.artifactsDir, 'model'))).toBe(false);
  });

  it('stops early after `patience` epochs without improvement of the monitored metric', async () => {
    const run = await runInProcess(iris(), mlp, { epochs: 80, earlyStoppingPatience: 3, earlyStoppingMonitor: 'val_accuracy' });
    const done = run.done!;
    expect(done.stoppedEarly).toBe(true);
    expect(done.epochsRun).toBeLessThan(80);
    const acc = run.series('val_accuracy');
    expect(acc).toHaveLength(done.epochsRun);
    // The best value was reached exactly `patience` epochs before the end and never beaten after.
    const best = Math.max(...acc);
    expect(acc.indexOf(best)).toBe(acc.length - 1 - 3);
    // Without early stopping the same run goes all the way.
    const full = await runInProcess(iris(), mlp, { epochs: 8 });
    expect(full.done!.stoppedEarly).toBe(false);
    expect(full.done!.epochsRun).toBe(8);
  });

  describe('gradient clipping', () => {
    /** One SGD step (lr 1, the whole training split as one batch); returns the weight change. */
    async function oneStep(clip: { clipNorm?: number; clipValue?: number }): Promise<{ delta: Float32Array; norms: number[] }> {
      await chooseBackend('cpu');
      const ds = iris();
      const random = installSeededRandom(5);
      try {
        const built = await buildModelFromSource(tf, mlp, { inputShape: [4], task: 'classification', classes: ds.meta.classes, params: { optimizer: 'sgd', lr: 1 }, seed: 5 });
        const before = built.model.getWeights().map((w) => w.dataSync().slice());
        const messages: { key: string; value: number }[] = [];
        const result = await train({
          tf, built, data: ds.data, task: 'classification', classes: ds.meta.classes,
          config: trainConfig({ epochs: 1, batchSize: 1000, clipNorm: clip.clipNorm ?? null, clipValue: clip.clipValue ?? null }),
          random, artifactsDir: null, emit: (m) => m.type === 'metrics' && messages.push(...m.points), cancelled: () => false,
        });
        const after = built.model.getWeights().map((w) => w.dataSync());
        const delta = Float32Array.from(before.flatMap((b, i) => Array.from(b, (v, j) => after[i][j] - v)));
        disposeSplits(result.splits);
        built.model.dispose();
        return { delta, norms: messages.filter((p) => p.key === 'batch/grad_norm').map((p) => p.value) };
      } finally {
        random.uninstall();
      }
    }
    const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

    it('by value bounds every element of the update', async () => {
      const free = await oneStep({});
      expect(maxAbs(free.delta)).toBeGreaterThan(0.01);
      const clipped = await oneStep({ clipValue: 0.001 });
      expect(maxAbs(clipped.delta)).toBeLessThanOrEqual(0.001 * (1 + 1e-4));
      expect(maxAbs(clipped.delta)).toBeGreaterThan(0.0009);
    });

    it('by global norm rescales the whole update to the limit and reports the norm', async () => {
      const free = await oneStep({});
      expect(norm(free.delta)).toBeGreaterThan(0.05);
      const clipped = await oneStep({ clipNorm: 0.05 });
      expect(norm(clipped.delta)).toBeCloseTo(0.05, 4);
      expect(clipped.norms).toHaveLength(1);
      expect(clipped.norms[0]).toBeCloseTo(norm(free.delta), 3);
      // Same direction as the unclipped update.
      const cos = free.delta.reduce((s, v, i) => s + v * clipped.delta[i], 0) / (norm(free.delta) * norm(clipped.delta));
      expect(cos).toBeGreaterThan(0.9999);
    });
  });

  it('resumes from a checkpoint bit-exactly: 4 epochs == 2, checkpoint, 2 more', async () => {
    // Dropout and shuffling draw random numbers, Adam carries state: all must be restored.
    const config = { epochs: 4, batchSize: 16, checkpointEvery: 2, seed: 11, params: { dropout: 0.2 } };
    const full = await runInProcess(iris(), mlp, config);
    const checkpoint = join(full.artifactsDir, 'checkpoints', 'epoch-0002');
    expect(full.messages.filter((m) => m.type === 'artifact' && m.kind === 'checkpoint').map((m) => m.type === 'artifact' && m.path))
      .toEqual(['checkpoints/epoch-0002', 'checkpoints/epoch-0004']);
    for (const f of ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json']) expect(existsSync(join(checkpoint, f)), f).toBe(true);

    const resumed = await runInProcess(iris(), mlp, config, { resume: checkpoint });
    expect(resumed.done!.epochsRun).toBe(4);
    const after2 = (key: string, run: typeof full) => run.points.filter((p) => p.key === key && (p.epoch ?? 0) > 2).map((p) => [p.step, p.value]);
    for (const key of ['batch/loss', 'batch/accuracy', 'loss', 'val_loss', 'val_accuracy']) {
      expect(after2(key, resumed), key).toEqual(after2(key, full));
      expect(after2(key, resumed).length, key).toBeGreaterThan(0);
    }
    expect(resumed.points.some((p) => (p.epoch ?? 0) <= 2)).toBe(false);
    expect(resumed.done!.testMetrics).toEqual(full.done!.testMetrics);
    const w = (dir: string) => readFileSync(join(dir, 'model', 'weights.bin'));
    expect(w(resumed.artifactsDir).equals(w(full.artifactsDir))).toBe(true);
  });

  it('trains regression, a sigmoid binary output and an autoencoder with the right labels', async () => {
    const ds = iris();
    const r = await runInProcess(irisRegression(), mlp, { epochs: 30 });
    expect(r.done!.testMetrics.test_r2).toBeGreaterThan(0.8);
    expect(Object.keys(r.done!.testMetrics).sort()).toEqual(['test_loss', 'test_mae', 'test_mse', 'test_r2']);

    // Binary: setosa or not, with one sigmoid unit.
    const bin = iris();
    for (let i = 0; i < bin.data.n; i++) bin.data.y[i] = bin.data.y[i] === 0 ? 1 : 0;
    bin.meta.classes = ['other', 'setosa'];
    const b = await runInProcess(bin, mlp, { epochs: 20, params: { sigmoidOutput: true } });
    expect(b.done!.testMetrics.test_accuracy).toBe(1);
    expect(b.done!.report!.classes).toEqual(['other', 'setosa']);

    const ae = await runInProcess(ds, template('autoencoder'), { epochs: 30, params: { bottleneck: 3 } });
    expect(ae.done!.report).toBeNull();
    expect(ae.done!.testMetrics.test_r2).toBeGreaterThan(0.5);
  });
});
