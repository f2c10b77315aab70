/**
 * W&B-style grouping of a page of runs: one row per experiment, model or param value, with the
 * mean ± standard deviation of every metric over its runs (seeds of one configuration, typically),
 * and the runs themselves as the group's children. Pure, so it is tested without a browser.
 */
import type { RunListItem } from '../stores/runs';

export interface RunGroup {
  label: string;
  count: number;
  /** Sample standard deviation per metric (0 for a single run). */
  std: Record<string, number>;
  /** How many of the group's runs have each metric. */
  n: Record<string, number>;
}

/** A table row: a run, or a group whose `metrics` hold the means and whose children are its runs. */
export type RunRow = RunListItem & { group?: RunGroup; children?: RunListItem[] };

export function groupValue(r: RunListItem, by: string): string {
  if (by === 'experiment') return r.experiment;
  if (by === 'model') return r.modelName;
  if (by === 'status') return r.status;
  if (by.startsWith('params.')) return r.params[by.slice('params.'.length)] ?? '(not set)';
  return '';
}

export function groupRuns(items: RunListItem[], by: string): RunRow[] {
  const groups = new Map<string, RunListItem[]>();
  for (const r of items) {
    const v = groupValue(r, by);
    const list = groups.get(v);
    if (list) list.push(r);
    else groups.set(v, [r]);
  }
  const name = by.startsWith('params.') ? by.slice('params.'.length) : by;
  return [...groups].map(([value, runs]) => {
    const sums = new Map<string, number[]>();
    for (const r of runs) for (const [k, v] of Object.entries(r.metrics)) (sums.get(k) ?? sums.set(k, []).get(k)!).push(v);
    const metrics: Record<string, number> = {};
    const std: Record<string, number> = {};
    const n: Record<string, number> = {};
    for (const [k, vs] of sums) {
      const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
      metrics[k] = mean;
      std[k] = vs.length > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (vs.length - 1)) : 0;
      n[k] = vs.length;
    }
    const first = runs[0]!;
    return {
      ...first,
      id: `group:${by}:${value}`,
      name: `${name} = ${value}`,
      metrics,
      params: {},
      tags: {},
      durationMs: runs.reduce((a, r) => a + (r.durationMs ?? 0), 0) / runs.length,
      group: { label: `${name} = ${value}`, count: runs.length, std, n },
      children: runs,
    };
  });
}
