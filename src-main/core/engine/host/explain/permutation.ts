/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): shuffle one feature
 * column of the test split at a time and measure how much the model's score drops. Repeated with
 * different seeded shuffles; the mean and standard deviation of the drop are reported.
 */
import type { Rng } from '../../../util/random';
import { shuffledIndices } from '../../../util/random';
import type { FeatureImportance } from '../../../explain/types';

/** Score of predictions against targets: higher is better (accuracy, or R² for regression). */
export type ScoreFn = (x: Float32Array, n: number) => number;

export interface PermutationOptions {
  features: string[];
  repeats: number;
  rng: Rng;
  cancelled: () => boolean;
  progress: (done: number, total: number) => void;
}

export function permutationImportance(x: Float32Array, n: number, score: ScoreFn, opts: PermutationOptions): FeatureImportance[] | null {
  const width = opts.features.length;
  const base = score(x, n);
  const total = width * opts.repeats;
  const out: FeatureImportance[] = [];
  const copy = new Float32Array(x.length);
  for (let j = 0; j < width; j++) {
    const drops: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      if (opts.cancelled()) return null;
      copy.set(x);
      const order = shuffledIndices(n, opts.rng);
      for (let i = 0; i < n; i++) copy[i * width + j] = x[order[i] * width + j];
      drops.push(base - score(copy, n));
      opts.progress(j * opts.repeats + r + 1, total);
    }
    const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length);
    out.push({ name: opts.features[j], importance: mean, std });
  }
  return out.sort((a, b) => b.importance - a.importance);
}
