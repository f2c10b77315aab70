import { describe, expect, it } from 'vitest';
import { argmaxRows, classificationReport, confusionMatrix, regressionMetrics } from '../../../src-main/core/engine/host/evaluation';

describe('evaluation math', () => {
  const actual = [0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 1, 1, 1, 2, 0, 2];

  it('builds confusion[actual][predicted]', () => {
    expect(confusionMatrix(actual, predicted, 3)).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/out of range at row 1/);
  });

  it('computes per-class precision, recall, F1, support, accuracy and macro-F1 by hand', () => {
    const r = classificationReport(actual, predicted, ['a', 'b', 'c']);
    // a: tp 1 of 2 predicted, 1 of 2 actual → p .5 r .5 f1 .5
    // b: tp 2 of 3 predicted, 2 of 2 actual → p 2/3 r 1 f1 .8
    // c: tp 2 of 2 predicted, 2 of 3 actual → p 1 r 2/3 f1 .8
    expect(r.perClass.map((c) => c.label)).toEqual(['a', 'b', 'c']);
    expect(r.perClass.map((c) => c.support)).toEqual([2, 2, 3]);
    expect(r.perClass[0].precision).toBeCloseTo(0.5, 12);
    expect(r.perClass[1].precision).toBeCloseTo(2 / 3, 12);
    expect(r.perClass[2].recall).toBeCloseTo(2 / 3, 12);
    expect(r.perClass.map((c) => c.f1).map((f) => +f.toFixed(12))).toEqual([0.5, 0.8, 0.8]);
    expect(r.accuracy).toBeCloseTo(5 / 7, 12);
    expect(r.macroF1).toBeCloseTo(0.7, 12);
  });

  it('treats a class never predicted as precision 0 (no division by zero)', () => {
    const r = classificationReport([0, 1, 1], [0, 0, 0], ['x', 'y']);
    expect(r.perClass[1]).toEqual({ label: 'y', precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.perClass[0].precision).toBeCloseTo(1 / 3, 12);
    expect(r.macroF1).toBeCloseTo(0.25, 12); // x: p 1/3 r 1 → f1 .5
  });

  it('computes MSE, MAE and R² by hand', () => {
    const m = regressionMetrics([1, 2, 3, 4], [1.5, 2, 2, 5]);
    // errors −.5, 0, 1, −1 → SSE 2.25; mean 2.5 → SST 5
    expect(m.mse).toBeCloseTo(0.5625, 12);
    expect(m.mae).toBeCloseTo(0.625, 12);
    expect(m.r2).toBeCloseTo(0.55, 12);
    expect(regressionMetrics([2, 2], [2, 2]).r2).toBe(1);
    expect(regressionMetrics([2, 2], [1, 2]).r2).toBe(0);
  });

  it('takes the argmax of each row', () => {
    expect(Array.from(argmaxRows([0.1, 0.7, 0.2, 0.9, 0.05, 0.05], 3))).toEqual([1, 0]);
  });
});
