import { describe, expect, it } from 'vitest';
import { parseSweepSpecText, type ParamSpec } from '../../../src-main/core/sweeps/spec';
import { enumerateGrid, sampleParam, sampleParams } from '../../../src-main/core/sweeps/sampling';
import { createRng } from '../../../src-main/core/util/random';

const draw = (p: ParamSpec, n = 2000, seed = 1) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => sampleParam(p, rng) as number);
};

describe('sampling W&B distributions', () => {
  it('keeps every draw in range and covers it', () => {
    const u = draw({ distribution: 'uniform', min: 2, max: 5 });
    expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...u)).toBeLessThanOrEqual(5);
    expect(Math.min(...u)).toBeLessThan(2.05);
    expect(Math.max(...u)).toBeGreaterThan(4.95);
    const ints = new Set(draw({ distribution: 'int_uniform', min: 1, max: 4 }));
    expect([...ints].sort()).toEqual([1, 2, 3, 4]);
    const q = new Set(draw({ distribution: 'q_uniform', min: 0, max: 0.5, q: 0.1 }));
    expect([...q].sort()).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('log_uniform_values is uniform in log space (median near the geometric mean)', () => {
    const v = draw({ distribution: 'log_uniform_values', min: 1e-4, max: 1 }, 4000).sort((a, b) => a - b);
    expect(v[0]).toBeGreaterThanOrEqual(1e-4);
    expect(v[v.length - 1]).toBeLessThanOrEqual(1);
    expect(Math.log10(v[2000])).toBeCloseTo(-2, 0);
    // log_uniform takes exponents: e^min … e^max.
    const e = draw({ distribution: 'log_uniform', min: 0, max: 1 });
    expect(Math.min(...e)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...e)).toBeLessThanOrEqual(Math.E);
    const inv = draw({ distribution: 'inv_log_uniform_values', min: 0.01, max: 1 });
    expect(Math.min(...inv)).toBeGreaterThanOrEqual(0.01);
    expect(Math.max(...inv)).toBeLessThanOrEqual(1);
  });

  it('normal has the mean and spread asked for; categorical follows probabilities', () => {
    const n = draw({ distribution: 'normal', mu: 3, sigma: 2 }, 5000);
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).toBeCloseTo(3, 0);
    expect(sd).toBeGreaterThan(1.8);
    expect(sd).toBeLessThan(2.2);
    const rng = createRng(7);
    const c = Array.from({ length: 4000 }, () => sampleParam({ distribution: 'categorical', values: ['a', 'b'], probabilities: [0.9, 0.1] }, rng));
    const share = c.filter((x) => x === 'a').length / c.length;
    expect(share).toBeGreaterThan(0.87);
    expect(share).toBeLessThan(0.93);
  });

  it('is seeded: the same seed draws the same parameters', () => {
    const spec = parseSweepSpecText('method: random\nrun_cap: 3\ndataset: d\nmodel: template:mlp\nparameters: {lr: {min: 0.001, max: 0.1}, opt: {values: [adam, sgd, rmsprop]}}');
    expect(sampleParams(spec, createRng(5))).toEqual(sampleParams(spec, createRng(5)));
    expect(sampleParams(spec, createRng(5))).not.toEqual(sampleParams(spec, createRng(6)));
  });
});

describe('grid enumeration', () => {
  it('enumerates every combination, first parameter slowest', () => {
    const spec = parseSweepSpecText(
      'method: grid\ndataset: d\nmodel: template:mlp\nparameters: {opt: {values: [adam, sgd]}, units: {min: 1, max: 3}, drop: {distribution: q_uniform, min: 0, max: 0.2, q: 0.1}, e: {value: 2}}',
    );
    const grid = enumerateGrid(spec);
    expect(grid).toHaveLength(2 * 3 * 3);
    expect(grid[0]).toEqual({ opt: 'adam', units: 1, drop: 0, e: 2 });
    expect(grid[1]).toEqual({ opt: 'adam', units: 1, drop: 0.1, e: 2 });
    expect(grid[17]).toEqual({ opt: 'sgd', units: 3, drop: 0.2, e: 2 });
    expect(new Set(grid.map((g) => JSON.stringify(g))).size).toBe(18);
  });

  it('refuses a grid too big to be meant', () => {
    const spec = parseSweepSpecText('method: grid\ndataset: d\nmodel: template:mlp\nparameters: {a: {min: 1, max: 1000}, b: {min: 1, max: 1000}}');
    expect(() => enumerateGrid(spec)).toThrow(/1000000 combinations/);
  });
});
