/**
 * Class weights for imbalanced classification: 'balanced' weighs class c by n / (k · n_c) over the
 * training rows (scikit-learn's compute_class_weight('balanced')), so each class adds the same
 * total weight to the loss. Passed to model.fit as classWeight.
 */
export function balancedClassWeights(labels: ArrayLike<number>, rows: ArrayLike<number>, numClasses: number): Record<number, number> {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < rows.length; i++) counts[labels[rows[i]]]++;
  const present = counts.filter((c) => c > 0).length;
  const out: Record<number, number> = {};
  counts.forEach((c, k) => (out[k] = c > 0 ? rows.length / (present * c) : 0));
  return out;
}
