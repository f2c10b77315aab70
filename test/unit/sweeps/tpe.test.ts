import { describe, expect, it } from 'vitest';
import { parseSweepSpecText } from '../../../src-main/core/sweeps/spec';
import { sampleParams, type Params } from '../../../src-main/core/sweeps/sampling';
import { tpePropose, type Observation } from '../../../src-main/core/sweeps/tpe';
import { createRng } from '../../../src-main/core/util/random';

const spec = parseSweepSpecText(`
method: bayes
metric: {name: loss, goal: minimize}
dataset: d
model: template:mlp
run_cap: 40
parameters:
  lr: {distribution: log_uniform_values, min: 0.00001, max: 1}
  dropout: {min: 0.0, max: 1.0}
  units: {min: 1, max: 64}
  optimizer: {values: [sgd, adam, rmsprop, adagrad]}
`);

/** A toy objective with its optimum at lr = 10^-2.5, dropout 0.3, units 40, adam. */
function objective(p: Params): number {
  return (
    (Math.log10(p.lr as number) + 2.5) ** 2 +
    4 * ((p.dropout as number) - 0.3) ** 2 +
    (((p.units as number) - 40) / 20) ** 2 +
    (p.optimizer === 'adam' ? 0 : 0.5)
  );
}

function bestAfter(n: number, seed: number, propose: (h: Observation[], idx: number) => Params): number {
  const history: Observation[] = [];
  for (let i = 0; i < n; i++) {
    const params = propose(history, i);
    history.push({ params, loss: objective(params) });
  }
  return Math.min(...history.map((h) => h.loss));
}

describe('TPE (method: bayes)', () => {
  it('finds better points than random search on a toy objective with the same budget', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const random = seeds.map((s) => bestAfter(40, s, (_h, i) => sampleParams(spec, createRng(s * 1000 + i))));
    const tpe = seeds.map((s) => bestAfter(40, s, (h, i) => tpePropose(spec, h, createRng(s * 1000 + i))));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Both start from the same 10 random points; the model must then beat blind draws clearly.
    expect(mean(tpe)).toBeLessThan(mean(random) * 0.7);
    expect(tpe.filter((t, i) => t < random[i]).length).toBeGreaterThanOrEqual(8);
  });

  it('draws at random until it has `startup` results, and keeps proposals in range', () => {
    const rng = createRng(3);
    expect(tpePropose(spec, [], rng, { startup: 5 })).toEqual(sampleParams(spec, createRng(3)));
    const history: Observation[] = [];
    for (let i = 0; i < 30; i++) {
      const p = tpePropose(spec, history, createRng(100 + i), { startup: 5 });
      expect(p.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr as number).toBeLessThanOrEqual(1);
      expect(Number.isInteger(p.units)).toBe(true);
      expect(p.units as number).toBeGreaterThanOrEqual(1);
      expect(p.units as number).toBeLessThanOrEqual(64);
      expect(['sgd', 'adam', 'rmsprop', 'adagrad']).toContain(p.optimizer);
      history.push({ params: p, loss: objective(p) });
    }
  });

  it('is seeded: the same history and seed propose the same point', () => {
    const h: Observation[] = Array.from({ length: 12 }, (_, i) => {
      const params = sampleParams(spec, createRng(i));
      return { params, loss: objective(params) };
    });
    expect(tpePropose(spec, h, createRng(9))).toEqual(tpePropose(spec, h, createRng(9)));
  });
});
