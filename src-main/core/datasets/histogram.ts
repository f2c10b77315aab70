/**
 * Histogram binning for the Datasets page's per-column charts. Pure.
 * Equal-width bins over [min, max] (NaN = missing, counted apart); the bin count follows the
 * Freedman–Diaconis-free Sturges rule (⌈log2 n⌉ + 1, at most `maxBins`); a column of integers
 * with few distinct values gets one bin per integer, so counts of 0..16 do not straddle bins.
 */
export interface Histogram {
  /** Bin edges: edges[i] ≤ x < edges[i + 1]; the last bin includes its upper edge. */
  edges: number[];
  counts: number[];
  missing: number;
}

export function histogram(values: ArrayLike<number>, maxBins = 20): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  let missing = 0;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  if (n === 0) return { edges: [], counts: [], missing };
  if (min === max) return { edges: [min, max], counts: [n], missing };
  let bins: number;
  let width: number;
  if (integers && max - min + 1 <= maxBins) {
    bins = max - min + 1;
    width = 1;
    max = min + bins;
  } else {
    bins = Math.min(maxBins, Math.ceil(Math.log2(n)) + 1);
    width = (max - min) / bins;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  return { edges, counts, missing };
}

/** Value counts of a categorical column, most frequent first (ties by first seen), the tail folded into "(other)". */
export function valueCounts(values: readonly (string | null)[], limit = 12): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const k = v ?? '(missing)';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const sorted = [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count);
  if (sorted.length <= limit) return sorted;
  const rest = sorted.slice(limit - 1).reduce((a, b) => a + b.count, 0);
  return [...sorted.slice(0, limit - 1), { value: '(other)', count: rest }];
}
