/**
 * Early termination of trials, judged on a per-epoch metric as the points arrive.
 *
 * Hyperband as W&B runs it (asynchronous successive halving): brackets at fixed epochs
 * (`hyperbandBrackets`); when a trial reaches a bracket, its best value so far is compared with the
 * best-so-far values of every trial that reached that bracket, and it is stopped unless it lies within
 * the best 1/eta of them (the 1/eta quantile, interpolated).
 *
 * Median stopping (Lamina's extension; Vizier's rule): from `min_iter` on, a trial whose best value so
 * far is worse than the median of the other trials' best values at the same epoch is stopped, once at
 * least `min_trials` others reached it. Pure.
 */
import type { EarlyTerminateSpec, HyperbandSpec } from './spec';

export interface TrialSeries {
  id: string;
  /** value by step (epoch), 1-based. */
  points: Map<number, number>;
}

/** The epochs at which hyperband decides. */
export function hyperbandBrackets(hb: Pick<HyperbandSpec, 'min_iter' | 'max_iter' | 'eta' | 's'>): number[] {
  const out: number[] = [];
  if (hb.min_iter !== undefined) {
    let band = hb.min_iter;
    for (let k = 0; k <= hb.s; k++) {
      out.push(band);
      band = Math.round(band * hb.eta);
    }
  } else if (hb.max_iter !== undefined) {
    let band = hb.max_iter;
    for (let k = 0; k < hb.s; k++) {
      band = Math.floor(band / hb.eta);
      if (band < 1) break;
      out.push(band);
    }
    out.reverse();
  }
  return [...new Set(out)];
}

/** Best value up to and including `step` (lower is better: losses are passed as is, scores negated). */
function bestUpTo(points: Map<number, number>, step: number): number | null {
  let best: number | null = null;
  for (const [s, v] of points) if (s <= step && Number.isFinite(v) && (best === null || v < best)) best = v;
  return best;
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * Whether `trial` should stop now that it has reported `step`; null to go on, else the reason.
 * `goal` turns scores into losses so lower is always better.
 */
export function earlyStopReason(
  rule: EarlyTerminateSpec,
  goal: 'minimize' | 'maximize',
  trial: TrialSeries,
  step: number,
  all: TrialSeries[],
): string | null {
  const sign = goal === 'maximize' ? -1 : 1;
  const asLoss = (s: TrialSeries): Map<number, number> => new Map([...s.points].map(([k, v]) => [k, sign * v]));
  const mine = bestUpTo(asLoss(trial), step);
  if (mine === null) return null;
  const shown = (v: number) => Number((sign * v).toPrecision(4));
  const reached = (s: TrialSeries) => [...s.points.keys()].some((k) => k >= step);
  if (rule.type === 'hyperband') {
    if (!hyperbandBrackets(rule).includes(step)) return null;
    const values = all
      .filter((s) => s.id !== trial.id && reached(s))
      .map((s) => bestUpTo(asLoss(s), step))
      .filter((v): v is number => v !== null);
    values.push(mine);
    if (values.length < 2) return null;
    const threshold = quantile(values.sort((a, b) => a - b), 1 / rule.eta);
    if (mine <= threshold) return null;
    return `hyperband: ${rule.metric} ${shown(mine)} at epoch ${step} is outside the best 1/${rule.eta} of ${values.length} trials (threshold ${shown(threshold)})`;
  }
  if (step < rule.min_iter) return null;
  const others = all
    .filter((s) => s.id !== trial.id && reached(s))
    .map((s) => bestUpTo(asLoss(s), step))
    .filter((v): v is number => v !== null);
  if (others.length < rule.min_trials) return null;
  const m = median(others);
  if (mine <= m) return null;
  return `median stopping: ${rule.metric} ${shown(mine)} at epoch ${step} is worse than the median ${shown(m)} of ${others.length} other trials`;
}
