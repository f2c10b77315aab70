/**
 * Min/max downsampling for charts. Averaging would hide a loss spike; keeping the
 * lowest and highest point of every step bucket keeps the curve's envelope, so spikes
 * and dips survive any zoom level. Pure: no Node imports.
 */
export interface SeriesPoint {
  step: number;
  value: number;
}

/**
 * Reduces `points` (sorted by step) to at most `maxPoints + 2` points: the step range is
 * split into ⌊maxPoints/2⌋ equal buckets (= ⌈maxPoints/2⌉ for even maxPoints; rounding
 * down keeps odd maxPoints within the bound); each bucket keeps its min and max point (in
 * step order), and the first and last points are always kept. Series no longer than
 * `maxPoints` come back unchanged (same array). NaN values never win min/max.
 */
export function downsampleMinMax<T extends SeriesPoint>(points: readonly T[], maxPoints: number): readonly T[] {
  const n = points.length;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  if (n <= maxPoints) return points;

  const buckets = Math.floor(maxPoints / 2);
  const first = points[0].step;
  const span = points[n - 1].step - first;
  // Per bucket: index of the min and of the max point (-1 = none yet).
  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);

  for (let i = 0; i < n; i++) {
    const v = points[i].value;
    if (Number.isNaN(v)) continue;
    const b = span > 0 ? Math.min(buckets - 1, Math.floor(((points[i].step - first) / span) * buckets)) : 0;
    if (minAt[b] < 0 || v < points[minAt[b]].value) minAt[b] = i;
    if (maxAt[b] < 0 || v > points[maxAt[b]].value) maxAt[b] = i;
  }

  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    if (minAt[b] >= 0) keep.add(minAt[b]);
    if (maxAt[b] >= 0) keep.add(maxAt[b]);
  }
  return [...keep].sort((a, b) => a - b).map((i) => points[i]);
}
