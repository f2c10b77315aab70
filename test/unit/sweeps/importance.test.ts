import { describe, expect, it } from 'vitest';
import { correlationRatio, parameterImportance, spearman } from '../../../src-main/core/sweeps/importance';

describe('parameter importance', () => {
  it('Spearman is 1 / -1 for monotone relations and handles ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 40, 80])).toBeCloseTo(1, 10);
    expect(spearman([1, 2, 3, 4], [8, 4, 2, 1])).toBeCloseTo(-1, 10);
    expect(spearman([1, 1, 2, 2], [1, 2, 3, 4])).toBeCloseTo(0.894, 3);
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('η is 1 when the category decides the metric and 0 when it does not', () => {
    expect(correlationRatio(['a', 'a', 'b', 'b'], [1, 1, 5, 5])).toBeCloseTo(1, 10);
    expect(correlationRatio(['a', 'b', 'a', 'b'], [1, 1, 5, 5])).toBeCloseTo(0, 10);
  });

  it('ranks the parameter that drives the metric first, skipping trials without one', () => {
    const trials = [
      { params: { lr: 0.1, opt: 'adam', noise: 3 }, metric: 0.9 },
      { params: { lr: 0.01, opt: 'sgd', noise: 1 }, metric: 0.7 },
      { params: { lr: 0.001, opt: 'adam', noise: 4 }, metric: 0.5 },
      { params: { lr: 0.0001, opt: 'sgd', noise: 2 }, metric: 0.3 },
      { params: { lr: 0.5, opt: 'sgd', noise: 9 }, metric: null },
    ];
    const imp = parameterImportance(trials);
    expect(imp[0]).toEqual({ name: 'lr', kind: 'numeric', correlation: 1, importance: 1 });
    expect(imp.map((i) => i.name)).toEqual(['lr', 'opt', 'noise']);
    expect(imp[1].kind).toBe('categorical');
  });
});
