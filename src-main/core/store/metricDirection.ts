/**
 * Which way is "better" for a metric, decided by its name (as Keras/TensorBoard users
 * expect): lower for losses and errors, higher for everything else (accuracy, f1, auc…).
 * Pure: no Node imports.
 */
export type MetricDirection = 'min' | 'max';

const LOWER_IS_BETTER = /loss|error|mse|mae|rmse|perplexity/i;

/** Looks at the key's last path segment: `val/loss` and `train.loss` are losses, `loss/weight` is not. */
export function metricDirection(key: string): MetricDirection {
  const segments = key.split(/[/.]/);
  return LOWER_IS_BETTER.test(segments[segments.length - 1]) ? 'min' : 'max';
}
