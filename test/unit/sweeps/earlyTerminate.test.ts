import { describe, expect, it } from 'vitest';
import { earlyStopReason, hyperbandBrackets, median, quantile, type TrialSeries } from '../../../src-main/core/sweeps/earlyTerminate';
import type { HyperbandSpec, MedianSpec } from '../../../src-main/core/sweeps/spec';

const series = (id: string, values: number[]): TrialSeries => ({ id, points: new Map(values.map((v, i) => [i + 1, v])) });

describe('hyperband brackets (as W&B documents them)', () => {
  it('min_iter: min_iter·eta^k', () => {
    expect(hyperbandBrackets({ min_iter: 3, eta: 3, s: 3 })).toEqual([3, 9, 27, 81]);
    expect(hyperbandBrackets({ min_iter: 1, eta: 2, s: 2 })).toEqual([1, 2, 4]);
  });
  it('max_iter: max_iter/eta^k for k = 1..s', () => {
    expect(hyperbandBrackets({ max_iter: 27, eta: 3, s: 2 })).toEqual([3, 9]);
    expect(hyperbandBrackets({ max_iter: 10, eta: 2, s: 5 })).toEqual([1, 2, 5]);
  });
});

describe('quantile / median', () => {
  it('interpolates', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 1 / 3)).toBeCloseTo(3.333, 3);
    expect(median([5, 1, 3])).toBe(3);
  });
});

describe('hyperband stopping', () => {
  const hb: HyperbandSpec = { type: 'hyperband', min_iter: 2, eta: 3, s: 1, strict: false, metric: 'val_accuracy' };
  const others = [series('a', [0.5, 0.9]), series('b', [0.5, 0.8]), series('c', [0.4, 0.6])];

  it('stops a trial outside the best 1/eta at a bracket, and only at brackets', () => {
    const weak = series('w', [0.3, 0.5]);
    const all = [...others, weak];
    expect(earlyStopReason(hb, 'maximize', weak, 1, all)).toBeNull(); // not a bracket
    const why = earlyStopReason(hb, 'maximize', weak, 2, all);
    expect(why).toMatch(/^hyperband: val_accuracy 0\.5 at epoch 2 is outside the best 1\/3 of 4 trials/);
    const strong = series('s', [0.6, 0.95]);
    expect(earlyStopReason(hb, 'maximize', strong, 2, [...others, strong])).toBeNull();
  });

  it('uses the best value so far, and the goal decides what best is', () => {
    // A loss: lower is better; trial's epoch-1 value 0.2 is its best by epoch 2.
    const lossOthers = [series('a', [1, 0.9]), series('b', [1, 0.8]), series('c', [1, 0.7])];
    const t = series('t', [0.2, 2.0]);
    expect(earlyStopReason({ ...hb, metric: 'val_loss' }, 'minimize', t, 2, [...lossOthers, t])).toBeNull();
    const bad = series('x', [3, 2.5]);
    expect(earlyStopReason({ ...hb, metric: 'val_loss' }, 'minimize', bad, 2, [...lossOthers, bad])).toMatch(/hyperband/);
  });

  it('never stops the first trial to reach a bracket', () => {
    const first = series('f', [0.1, 0.1]);
    expect(earlyStopReason(hb, 'maximize', first, 2, [first])).toBeNull();
  });
});

describe('median stopping', () => {
  const rule: MedianSpec = { type: 'median', min_iter: 2, min_trials: 2, metric: 'val_loss' };
  it('stops a trial worse than the median of the others from min_iter on, once enough others got there', () => {
    const a = series('a', [1.0, 0.6, 0.5]);
    const b = series('b', [1.0, 0.7, 0.6]);
    const t = series('t', [1.2, 1.0, 0.9]);
    expect(earlyStopReason(rule, 'minimize', t, 1, [a, b, t])).toBeNull(); // before min_iter
    expect(earlyStopReason(rule, 'minimize', t, 2, [a, t])).toBeNull(); // one other only
    expect(earlyStopReason(rule, 'minimize', t, 2, [a, b, t])).toBe(
      'median stopping: val_loss 1 at epoch 2 is worse than the median 0.65 of 2 other trials',
    );
    const good = series('g', [0.9, 0.5]);
    expect(earlyStopReason(rule, 'minimize', good, 2, [a, b, good])).toBeNull();
  });
});
