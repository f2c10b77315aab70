import { describe, expect, it } from 'vitest';
import { iris } from './helpers/csvDataset';
import { runInProcess, template } from './helpers/runInProcess';
import { scheduleSpec, scheduledRate, updatePlateau } from '../../../src-main/core/engine/host/lrSchedule';
import { balancedClassWeights } from '../../../src-main/core/engine/host/classWeights';
import { configAsParams, resolveTrainConfig } from '../../../src-main/core/training/trainConfig';
import { trainConfigSchema } from '../../../src-main/core/api/schemas';

const mlp = template('mlp');
const spec = (over: Parameters<typeof resolveTrainConfig>[0]) => scheduleSpec(resolveTrainConfig({ seed: 1, epochs: 20, ...over }));

describe('learning-rate schedules', () => {
  it('step, exponential, cosine with warm-up and plateau give the textbook rates', () => {
    const step = spec({ lrSchedule: 'step', lrDecay: 0.5, lrStepEpochs: 5 });
    expect([1, 5, 6, 10, 11].map((e) => scheduledRate(step, 0.1, e, null))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    const exp = spec({ lrSchedule: 'exponential', lrDecay: 0.9 });
    expect(scheduledRate(exp, 1, 3, null)).toBeCloseTo(0.81, 12);
    const cos = spec({ lrSchedule: 'cosine', lrWarmupEpochs: 4, lrMin: 0.001 });
    expect([1, 2, 4].map((e) => scheduledRate(cos, 0.01, e, null))).toEqual([0.0025, 0.005, 0.01]);
    expect(scheduledRate(cos, 0.01, 5, null)).toBeCloseTo(0.01, 15); // first epoch after warm-up: the base rate
    expect(scheduledRate(cos, 0.01, 12, null)).toBeCloseTo(0.001 + 0.009 * 0.5 * (1 + Math.cos(Math.PI * 7 / 16)), 12);
    const plateau = spec({ lrSchedule: 'plateau', lrStepEpochs: 2, lrDecay: 0.5 });
    let s = { best: null as number | null, wait: 0, lr: 0.01 };
    for (const v of [1.0, 0.9, 0.95, 0.93]) s = updatePlateau(plateau, s, v, false);
    expect(s).toEqual({ best: 0.9, wait: 0, lr: 0.005 });
  });

  it('logs the rate per epoch as `lr`, records the schedule, and replays bit for bit', async () => {
    const config = { epochs: 6, lrSchedule: 'cosine' as const, lrWarmupEpochs: 2, params: { lr: 0.02 } };
    const a = await runInProcess(iris(), mlp, config);
    expect(a.done!.status).toBe('completed');
    const lr = a.series('lr');
    expect(lr).toHaveLength(6);
    expect(lr[0]).toBeCloseTo(0.01, 9);
    expect(lr[1]).toBeCloseTo(0.02, 9);
    expect(lr[5]).toBeLessThan(lr[2]);
    const b = await runInProcess(iris(), mlp, config);
    expect(b.series('loss')).toEqual(a.series('loss'));
    expect(b.done!.testMetrics).toEqual(a.done!.testMetrics);
    // A schedule changes training: the same seed without it gives other losses.
    const plain = await runInProcess(iris(), mlp, { epochs: 6, params: { lr: 0.02 } });
    expect(plain.series('loss')).not.toEqual(a.series('loss'));
    expect(plain.series('lr')).toEqual([]);
    expect(configAsParams(resolveTrainConfig({ seed: 1, lrSchedule: 'cosine', lrWarmupEpochs: 2 }))).toMatchObject({ lr_schedule: 'cosine', lr_warmup_epochs: '2' });
  });

  it('travels through the API contract (runs.start config) unchanged', () => {
    const config = { lrSchedule: 'plateau', lrWarmupEpochs: 2, lrDecay: 0.3, lrStepEpochs: 4, lrMin: 1e-5, classWeight: 'balanced', restoreBestWeights: true };
    expect(trainConfigSchema.partial().parse(config)).toEqual(config);
    expect(trainConfigSchema.partial().safeParse({ lrSchedule: 'linear' }).success).toBe(false);
  });

  it('rejects an unknown schedule or a bad factor, naming the field', () => {
    expect(() => resolveTrainConfig({ lrSchedule: 'linear' as never })).toThrow(/unknown lrSchedule "linear"; choose one of none, step/);
    expect(() => resolveTrainConfig({ lrDecay: 2 })).toThrow(/lrDecay must be a factor in \(0, 1\]/);
    expect(() => resolveTrainConfig({ classWeight: 'auto' as never })).toThrow(/unknown classWeight "auto"/);
  });
});

describe('class weights', () => {
  it("'balanced' is n / (k · n_c) over the training rows (scikit-learn's formula)", () => {
    const labels = [0, 0, 0, 1, 2, 2, 9];
    const w = balancedClassWeights(labels.map((l) => (l === 9 ? 0 : l)), [0, 1, 2, 3, 4, 5], 3);
    // 6 rows, 3 classes: counts 3, 1, 2.
    expect(w).toEqual({ 0: 6 / 9, 1: 6 / 3, 2: 6 / 6 });
  });

  it('is applied in training (the weighted loss differs) and recorded', async () => {
    const ds = iris();
    // Make iris imbalanced: keep only a few training rows of class 0.
    let kept = 0;
    for (let i = 0; i < ds.data.n; i++) if (ds.data.split[i] === 0 && ds.data.y[i] === 0 && kept++ >= 5) ds.data.split[i] = 3;
    const plain = await runInProcess(ds, mlp, { epochs: 3 });
    const weighted = await runInProcess(ds, mlp, { epochs: 3, classWeight: 'balanced' });
    expect(weighted.done!.status).toBe('completed');
    expect(weighted.series('loss')).not.toEqual(plain.series('loss'));
    expect(configAsParams(resolveTrainConfig({ seed: 1, classWeight: 'balanced' })).class_weight).toBe('balanced');
  });
});
