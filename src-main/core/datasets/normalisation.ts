/**
 * Normalisation statistics of a numeric column, from the train split only, so nothing about
 * validation or test rows leaks into training. Missing cells (NaN) are ignored.
 * std 0 (a constant column) is stored as 1 so (v - mean) / std never divides by zero.
 */
export interface NumericStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Non-missing train values the statistics were computed from. */
  count: number;
}

export function trainStats(values: ArrayLike<number>, split: Uint8Array): NumericStats {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (split[i] !== 0) continue;
    const v = values[i];
    if (Number.isNaN(v)) continue;
    // Welford: stable for large n and large offsets.
    count++;
    const d = v - mean;
    mean += d / count;
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return { mean: 0, std: 1, min: 0, max: 0, count: 0 };
  const std = Math.sqrt(m2 / count);
  return { mean, std: std > 0 ? std : 1, min, max, count };
}
