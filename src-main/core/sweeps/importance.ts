/**
 * Parameter importance for the Sweeps page, by correlation with the sweep metric over the trials that
 * have one: Spearman rank correlation for numeric parameters (signed: + means larger values go with a
 * larger metric), the correlation ratio η (0…1, unsigned) for categorical ones. `importance` is the
 * absolute value, so the two kinds sort together. Pure.
 */
import type { Params } from './sampling';

export interface ParamImportance {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Spearman ρ (numeric) or η (categorical); null with fewer than 3 trials or no spread. */
  correlation: number | null;
  importance: number | null;
}

function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1; // ties share their mean rank
    i = j + 1;
  }
  return r;
}

function pearson(a: number[], b: number[]): number | null {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb);
}

export function spearman(a: number[], b: number[]): number | null {
  return a.length < 3 ? null : pearson(ranks(a), ranks(b));
}

/** η: the share of the metric's spread explained by the category (square root of SS_between / SS_total). */
export function correlationRatio(groups: string[], y: number[]): number | null {
  if (y.length < 3) return null;
  const mean = y.reduce((s, x) => s + x, 0) / y.length;
  const total = y.reduce((s, x) => s + (x - mean) ** 2, 0);
  if (total === 0) return null;
  const by = new Map<string, number[]>();
  groups.forEach((g, i) => by.set(g, [...(by.get(g) ?? []), y[i]]));
  if (by.size < 2) return null;
  let between = 0;
  for (const vs of by.values()) between += vs.length * (vs.reduce((s, x) => s + x, 0) / vs.length - mean) ** 2;
  return Math.sqrt(between / total);
}

export function parameterImportance(trials: { params: Params; metric: number | null }[]): ParamImportance[] {
  const done = trials.filter((t) => t.metric !== null && Number.isFinite(t.metric));
  const names = [...new Set(done.flatMap((t) => Object.keys(t.params)))];
  const y = done.map((t) => t.metric!);
  const out: ParamImportance[] = names.map((name) => {
    const values = done.map((t) => t.params[name]);
    const numeric = values.every((v) => typeof v === 'number');
    const correlation = numeric ? spearman(values as number[], y) : correlationRatio(values.map(String), y);
    return { name, kind: numeric ? 'numeric' : 'categorical', correlation, importance: correlation === null ? null : Math.abs(correlation) };
  });
  return out.sort((a, b) => (b.importance ?? -1) - (a.importance ?? -1));
}
