/**
 * The compare view's grid of small charts: the metric keys of the selected runs grouped into one
 * chart per family (`loss` with `val_loss`, `accuracy` with `val_accuracy`: validation dashed in the
 * run's colour), per-batch, test-only (one point) and `system/*` keys left out. Pure.
 */
import { isBatchMetric, metricFamily } from './metricChart';

/** Keys that are facts about a run rather than curves, or have their own panel. */
export const isSystemKey = (k: string) => k.startsWith('system/');
const NOT_CURVES = new Set(['restored_epoch']);

export interface GridCell {
  family: string;
  keys: string[];
}

export function gridCells(keys: readonly string[]): GridCell[] {
  const byFamily = new Map<string, string[]>();
  for (const k of [...keys].sort()) {
    if (isBatchMetric(k) || isSystemKey(k) || NOT_CURVES.has(k) || /^test_/.test(k)) continue;
    const f = metricFamily(k);
    byFamily.set(f, [...(byFamily.get(f) ?? []), k]);
  }
  // Training key first, then validation.
  const cells = [...byFamily].map(([family, ks]) => ({ family, keys: ks.sort((a, b) => a.length - b.length || a.localeCompare(b)) }));
  // Losses first (what people look at first), then the rest alphabetically.
  return cells.sort((a, b) => Number(!/loss/.test(a.family)) - Number(!/loss/.test(b.family)) || a.family.localeCompare(b.family));
}
