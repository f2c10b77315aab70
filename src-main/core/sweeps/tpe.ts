/**
 * Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization",
 * NeurIPS 2011) for `method: bayes`. A small implementation of our own: npm has no maintained TS/JS
 * TPE or GP library (the one port of hyperopt, `hyperparameters`, is unmaintained and pulls in
 * TensorFlow.js as a whole); this follows hyperopt's defaults closely enough to be recognisable.
 *
 * After `startup` random trials, the finished trials are split into the best γ fraction ("good") and
 * the rest. Each parameter gets two densities — l(x) from the good values, g(x) from the others — as
 * Parzen mixtures (a Gaussian per observation on the parameter's internal line, log space for log
 * distributions, truncated to its range, plus one component for the prior); categorical parameters get
 * smoothed counts. `candidates` draws from l are scored by l(x)/g(x) and the best is proposed.
 * Parameters are modelled independently (as hyperopt does). Seeded; pure.
 */
import type { Rng } from '../util/random';
import type { ParamSpec, SweepSpec, ParamValue } from './spec';
import { gaussian, numericAxis, sampleParam, type NumericAxis, type Params } from './sampling';

export interface Observation {
  params: Params;
  /** Lower is better (callers negate for maximize). */
  loss: number;
}

export interface TpeOptions {
  /** Random trials before the model takes over (hyperopt: 20; fewer suits small sweeps). */
  startup?: number;
  /** Fraction of observations called good. */
  gamma?: number;
  /** Candidates drawn from l(x) per parameter. */
  candidates?: number;
}

const SQRT2PI = Math.sqrt(2 * Math.PI);

function normalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / (sigma * SQRT2PI);
}

function normalCdf(x: number): number {
  // Abramowitz–Stegun 7.1.26 on erf.
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-z * z);
  return 0.5 * (1 + (x >= 0 ? erf : -erf));
}

interface Parzen {
  mus: number[];
  sigmas: number[];
  weights: number[];
}

/** Mixture from observed points plus the prior; bandwidths from neighbour gaps (hyperopt's rule). */
function parzen(points: number[], axis: NumericAxis): Parzen {
  const range = axis.hi - axis.lo || 1;
  const priorMu = axis.prior.kind === 'normal' ? axis.prior.mu : (axis.lo + axis.hi) / 2;
  const priorSigma = axis.prior.kind === 'normal' ? axis.prior.sigma : range;
  const all = [...points.map((p) => ({ mu: p, prior: false })), { mu: priorMu, prior: true }].sort((a, b) => a.mu - b.mu);
  const minSigma = range / Math.min(100, all.length + 1);
  const sigmas = all.map((c, i) => {
    if (c.prior) return priorSigma;
    const left = i > 0 ? c.mu - all[i - 1].mu : c.mu - axis.lo;
    const right = i < all.length - 1 ? all[i + 1].mu - c.mu : axis.hi - c.mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  return { mus: all.map((c) => c.mu), sigmas, weights: all.map(() => 1 / all.length) };
}

function density(m: Parzen, x: number, axis: NumericAxis): number {
  let d = 0;
  for (let i = 0; i < m.mus.length; i++) {
    // Truncated to the axis: renormalise each component by its mass inside.
    const mass = normalCdf((axis.hi - m.mus[i]) / m.sigmas[i]) - normalCdf((axis.lo - m.mus[i]) / m.sigmas[i]);
    d += (m.weights[i] * normalPdf(x, m.mus[i], m.sigmas[i])) / Math.max(mass, 1e-12);
  }
  return d;
}

function drawFrom(m: Parzen, axis: NumericAxis, rng: Rng): number {
  let u = rng.next();
  let i = 0;
  for (; i < m.weights.length - 1; i++) {
    u -= m.weights[i];
    if (u < 0) break;
  }
  for (let tries = 0; tries < 50; tries++) {
    const x = m.mus[i] + m.sigmas[i] * gaussian(rng);
    if (x >= axis.lo && x <= axis.hi) return x;
  }
  return Math.min(axis.hi, Math.max(axis.lo, m.mus[i]));
}

function proposeNumeric(axis: NumericAxis, good: number[], bad: number[], n: number, rng: Rng): number {
  const l = parzen(good, axis);
  const g = parzen(bad, axis);
  let best = NaN;
  let bestScore = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = drawFrom(l, axis, rng);
    const score = Math.log(density(l, x, axis) + 1e-300) - Math.log(density(g, x, axis) + 1e-300);
    if (score > bestScore) {
      bestScore = score;
      best = x;
    }
  }
  return axis.toValue(best);
}

function proposeCategorical(values: ParamValue[], good: ParamValue[], bad: ParamValue[], n: number, rng: Rng): ParamValue {
  const weights = (obs: ParamValue[]) => values.map((v) => (obs.filter((o) => o === v).length + 1) / (obs.length + values.length));
  const l = weights(good);
  const g = weights(bad);
  let best = values[0];
  let bestScore = -Infinity;
  for (let k = 0; k < n; k++) {
    let u = rng.next();
    let i = 0;
    for (; i < values.length - 1; i++) {
      u -= l[i];
      if (u < 0) break;
    }
    const score = Math.log(l[i]) - Math.log(g[i]);
    if (score > bestScore) {
      bestScore = score;
      best = values[i];
    }
  }
  return best;
}

/** The next parameters to try given what finished so far. */
export function tpePropose(spec: SweepSpec, history: Observation[], rng: Rng, opts: TpeOptions = {}): Params {
  const startup = opts.startup ?? 10;
  const gamma = opts.gamma ?? 0.25;
  const candidates = opts.candidates ?? 24;
  const done = history.filter((h) => Number.isFinite(h.loss));
  const out: Params = {};
  if (done.length < startup) {
    for (const [name, p] of Object.entries(spec.parameters)) out[name] = sampleParam(p, rng);
    return out;
  }
  const sorted = [...done].sort((a, b) => a.loss - b.loss);
  const nGood = Math.max(1, Math.min(25, Math.ceil(gamma * sorted.length)));
  const good = sorted.slice(0, nGood);
  const bad = sorted.slice(nGood);
  for (const [name, p] of Object.entries(spec.parameters)) out[name] = proposeParam(p, name, good, bad, candidates, rng);
  return out;
}

function proposeParam(p: ParamSpec, name: string, good: Observation[], bad: Observation[], n: number, rng: Rng): ParamValue {
  if (p.distribution === 'constant') return p.value!;
  if (p.distribution === 'categorical') {
    const has = (o: Observation) => o.params[name] !== undefined;
    return proposeCategorical(p.values!, good.filter(has).map((o) => o.params[name]), bad.filter(has).map((o) => o.params[name]), n, rng);
  }
  const axis = numericAxis(p)!;
  const internal = (obs: Observation[]) =>
    obs.map((o) => Number(o.params[name])).filter((v) => Number.isFinite(v)).map((v) => axis.toInternal(v)).filter((x) => Number.isFinite(x));
  return proposeNumeric(axis, internal(good), internal(bad), n, rng);
}
