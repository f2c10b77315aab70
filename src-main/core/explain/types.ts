/**
 * What an explanation is: the request (method, options, which samples) and the result the training
 * host computes for a trained run. Pure types and defaults, no Node imports, so the API contract,
 * the CLI and the SDK share them.
 */
import type { SplitName } from '../domain';

export const IMAGE_METHODS = ['gradcam', 'ig', 'saliency', 'smoothgrad', 'occlusion'] as const;
export const TABULAR_METHODS = ['permutation', 'ig', 'saliency'] as const;
export const EXPLAIN_METHODS = ['gradcam', 'ig', 'saliency', 'smoothgrad', 'occlusion', 'permutation'] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

/** Which samples to explain; the first that is set wins (samples, worst, then split). */
export interface ExplainSelection {
  /** Dataset row indices (0-based, as stored). */
  samples?: number[];
  /** The K most confidently wrong test samples (largest |error| for regression). */
  worst?: number;
  /** Samples of one split (default test), optionally of one true class, at most `limit` (default 8). */
  split?: SplitName;
  classLabel?: string;
  limit?: number;
}

export interface ExplainOptions {
  /** Integrated gradients: interpolation steps (default 64) and baseline (default black). */
  steps?: number;
  baseline?: 'black' | 'blurred';
  /** Grad-CAM: the conv layer (default: the last layer with a 4-D output). */
  layer?: string;
  /** Occlusion: square window and stride in pixels (defaults scale with the image). */
  window?: number;
  stride?: number;
  /** SmoothGrad: noisy copies (default 16) and noise level as a fraction of the input's range (default 0.15). */
  noiseSamples?: number;
  noise?: number;
  /** Permutation importance: shuffles per feature (default 5). */
  repeats?: number;
  /** Inputs per forward/backward pass (IG steps, occlusion windows); default 32. */
  batchSize?: number;
}

export interface ExplainRequest {
  method?: ExplainMethod;
  selection?: ExplainSelection;
  options?: ExplainOptions;
}

export interface ExplainedSample {
  /** Dataset row index (0-based). */
  sample: number;
  /** Image file relative to the imported folder, or the 1-based data row number for tables. */
  source: string | number;
  predicted: string;
  truth: string;
  /** The model's probability for the predicted class (classification), else its output. */
  confidence: number;
  /** Attribution maximum in the input's pixel coordinates (row = y, col = x); tables: row 0, col = feature. */
  peak: { row: number; col: number };
  /** Files, relative to the explanation's folder: overlay PNG and raw attribution JSON. */
  overlay: string;
  attribution: string;
  /** Integrated gradients only: |Σ attribution − (f(x) − f(baseline))| / |f(x) − f(baseline)|. */
  completenessError?: number;
  /** Integrated gradients only: steps used (doubled from the asked-for number until within 1 %). */
  steps?: number;
}

export interface FeatureImportance {
  name: string;
  importance: number;
  std: number;
}

export interface ClassMeanAttribution {
  label: string;
  count: number;
  /** Heatmap PNG (images) and raw JSON, relative to the explanation's folder. */
  overlay: string | null;
  attribution: string;
}

export interface ExplainResult {
  runId: string;
  method: ExplainMethod;
  kind: 'image' | 'tabular';
  /** Folder of this explanation relative to the run's artifacts folder (explain/<id>). */
  dir: string;
  createdAt: string;
  /** Options as resolved (defaults filled in), for the record. */
  options: ExplainOptions & { layer?: string; target: 'predicted' };
  samples: ExplainedSample[];
  /** Tabular: permutation importance (metric drop) or mean |IG| per feature, most important first. */
  features?: FeatureImportance[];
  /** Metric the permutation importance drops (accuracy or r2). */
  metric?: string;
  classMeans: ClassMeanAttribution[];
  backend: string;
  durationMs: number;
}

export function isImageMethod(m: ExplainMethod): boolean {
  return (IMAGE_METHODS as readonly string[]).includes(m);
}
