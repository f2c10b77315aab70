/**
 * Drawing parameter values as W&B's distributions define them, enumerating a grid, and the
 * mapping between a value and the "internal" number line the TPE models (log space for the
 * log distributions). Seeded through core/util/random. Pure.
 */
import type { Rng } from '../util/random';
import type { ParamSpec, ParamValue, SweepSpec } from './spec';
import { inputError } from '../util/errors';

export type Params = Record<string, ParamValue>;

/** Keeps decimal steps readable: 0.30000000000000004 → 0.3. */
export function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function quantize(x: number, q: number | undefined): number {
  return q ? tidy(Math.round(x / q) * q) : x;
}

export function gaussian(rng: Rng): number {
  // Box–Muller; 1 - next() keeps the log away from 0.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pick<T>(values: T[], rng: Rng, probabilities?: number[]): T {
  if (!probabilities) return values[Math.min(values.length - 1, Math.floor(rng.next() * values.length))];
  let u = rng.next();
  for (let i = 0; i < values.length; i++) {
    u -= probabilities[i];
    if (u < 0) return values[i];
  }
  return values[values.length - 1];
}

/** The number line a numeric distribution is uniform (or normal) on, and how to come back. */
export interface NumericAxis {
  lo: number;
  hi: number;
  /** Internal x → the parameter's value (quantised / rounded as the distribution says). */
  toValue(x: number): number;
  /** A value → internal x (for modelling past trials). */
  toInternal(v: number): number;
  /** Normal priors are centred on mu with sigma; uniform ones span [lo, hi]. */
  prior: { kind: 'uniform' } | { kind: 'normal'; mu: number; sigma: number };
}

export function numericAxis(p: ParamSpec): NumericAxis | null {
  const { min = 0, max = 0, q, mu = 0, sigma = 1 } = p;
  const clamp = (v: number, a: number, b: number) => Math.min(b, Math.max(a, v));
  switch (p.distribution) {
    case 'uniform':
    case 'q_uniform':
      return { lo: min, hi: max, toValue: (x) => quantize(clamp(x, min, max), q), toInternal: (v) => v, prior: { kind: 'uniform' } };
    case 'int_uniform':
      return {
        lo: min - 0.5,
        hi: max + 0.5 - 1e-9,
        toValue: (x) => clamp(Math.round(x), min, max),
        toInternal: (v) => v,
        prior: { kind: 'uniform' },
      };
    case 'log_uniform':
    case 'q_log_uniform':
      return { lo: min, hi: max, toValue: (x) => quantize(Math.exp(clamp(x, min, max)), q), toInternal: (v) => Math.log(v), prior: { kind: 'uniform' } };
    case 'log_uniform_values':
    case 'q_log_uniform_values':
      return {
        lo: Math.log(min),
        hi: Math.log(max),
        toValue: (x) => quantize(Math.exp(clamp(x, Math.log(min), Math.log(max))), q),
        toInternal: (v) => Math.log(v),
        prior: { kind: 'uniform' },
      };
    case 'inv_log_uniform':
      // log(1/X) uniform on [min, max].
      return { lo: min, hi: max, toValue: (x) => Math.exp(-clamp(x, min, max)), toInternal: (v) => -Math.log(v), prior: { kind: 'uniform' } };
    case 'inv_log_uniform_values':
      return {
        lo: Math.log(1 / max),
        hi: Math.log(1 / min),
        toValue: (x) => Math.exp(-clamp(x, Math.log(1 / max), Math.log(1 / min))),
        toInternal: (v) => -Math.log(v),
        prior: { kind: 'uniform' },
      };
    case 'normal':
    case 'q_normal':
      return { lo: mu - 4 * sigma, hi: mu + 4 * sigma, toValue: (x) => quantize(x, q), toInternal: (v) => v, prior: { kind: 'normal', mu, sigma } };
    case 'log_normal':
    case 'q_log_normal':
      return { lo: mu - 4 * sigma, hi: mu + 4 * sigma, toValue: (x) => quantize(Math.exp(x), q), toInternal: (v) => Math.log(v), prior: { kind: 'normal', mu, sigma } };
    default:
      return null;
  }
}

/** One draw from a parameter's distribution. */
export function sampleParam(p: ParamSpec, rng: Rng): ParamValue {
  if (p.distribution === 'constant') return p.value!;
  if (p.distribution === 'categorical') return pick(p.values!, rng, p.probabilities);
  const axis = numericAxis(p)!;
  if (axis.prior.kind === 'normal') return axis.toValue(axis.prior.mu + axis.prior.sigma * gaussian(rng));
  return axis.toValue(axis.lo + rng.next() * (axis.hi - axis.lo));
}

export function sampleParams(spec: SweepSpec, rng: Rng): Params {
  const out: Params = {};
  for (const [name, p] of Object.entries(spec.parameters)) out[name] = sampleParam(p, rng);
  return out;
}

/** The most grid points a sweep may enumerate (a bigger grid is a mistake, not a plan). */
export const MAX_GRID = 100_000;

function gridValues(name: string, p: ParamSpec): ParamValue[] {
  switch (p.distribution) {
    case 'constant':
      return [p.value!];
    case 'categorical':
      return p.values!;
    case 'int_uniform': {
      const out: number[] = [];
      for (let v = p.min!; v <= p.max!; v++) out.push(v);
      return out;
    }
    case 'q_uniform': {
      const out: number[] = [];
      const n = Math.floor((p.max! - p.min!) / p.q! + 1e-9);
      for (let i = 0; i <= n; i++) out.push(tidy(p.min! + i * p.q!));
      return out;
    }
    default:
      throw inputError(`sweep spec: grid search cannot enumerate parameter "${name}" (${p.distribution})`);
  }
}

/** Every combination, first parameter slowest (W&B's order). */
export function enumerateGrid(spec: SweepSpec): Params[] {
  const axes = Object.entries(spec.parameters).map(([name, p]) => [name, gridValues(name, p)] as const);
  const size = axes.reduce((n, [, vs]) => n * vs.length, 1);
  if (size > MAX_GRID) throw inputError(`sweep spec: the grid has ${size} combinations (more than ${MAX_GRID}); narrow it or use random`);
  let combos: Params[] = [{}];
  for (const [name, values] of axes) {
    const next: Params[] = [];
    for (const c of combos) for (const v of values) next.push({ ...c, [name]: v });
    combos = next;
  }
  return combos;
}
