/**
 * Explanations in the plugin API (since 1.1.0). Lamina explains a completed run in a host process
 * (Grad-CAM, integrated gradients, saliency, SmoothGrad, occlusion for images; permutation
 * importance, integrated gradients and saliency for tables) and keeps the result with the run.
 * A view asks for explanations of the run it shows through the bridge (`explain`,
 * `listExplanations`, `getExplanationImage`); these types describe what comes back, and the
 * helpers below type the requests.
 */
import type { ViewApi } from './viewBridge';

export type ExplainMethod = 'gradcam' | 'ig' | 'saliency' | 'smoothgrad' | 'occlusion' | 'permutation';

/** Which samples: the first that is set wins (samples, worst, then split + classLabel + limit). */
export interface ExplainSelection {
  samples?: number[];
  worst?: number;
  split?: 'train' | 'validation' | 'test';
  classLabel?: string;
  limit?: number;
}

export interface ExplainOptions {
  steps?: number;
  baseline?: 'black' | 'blurred';
  layer?: string;
  window?: number;
  stride?: number;
  noiseSamples?: number;
  noise?: number;
  repeats?: number;
  batchSize?: number;
}

export interface ExplainedSample {
  sample: number;
  /** Image file relative to the imported folder, or the 1-based row number for tables. */
  source: string | number;
  predicted: string;
  truth: string;
  confidence: number;
  /** Attribution maximum in input pixels (row = y, col = x); tables: col = feature index. */
  peak: { row: number; col: number };
  /** Relative to the explanation's `dir`. */
  overlay: string;
  attribution: string;
  completenessError?: number;
  steps?: number;
}

export interface ExplainResult {
  runId: string;
  method: ExplainMethod;
  kind: 'image' | 'tabular';
  /** Relative to the run's artifacts folder: explain/<id>. */
  dir: string;
  createdAt: string;
  options: ExplainOptions & { target: 'predicted' };
  samples: ExplainedSample[];
  features?: { name: string; importance: number; std: number }[];
  metric?: string;
  classMeans: { label: string; count: number; overlay: string | null; attribution: string }[];
  backend: string;
  durationMs: number;
}

/** The bridge requests a view may make about explanations (merged into ViewRequests). */
export interface ExplainViewRequests {
  explain(args: { runId: string; method?: ExplainMethod; selection?: ExplainSelection; options?: ExplainOptions }): ExplainResult;
  listExplanations(args: { runId: string }): ExplainResult[];
  /** An overlay PNG as a data: URL; `path` is `${result.dir}/${sample.overlay}`. */
  getExplanationImage(args: { runId: string; path: string }): string;
}

/** Explain the view's run (or `runId`) and wait for the result. */
export function explainRun(view: ViewApi, args: Parameters<ExplainViewRequests['explain']>[0]): Promise<ExplainResult> {
  return view.request('explain', args);
}

/** The run's saved explanations, newest first. */
export function listExplanations(view: ViewApi, runId: string): Promise<ExplainResult[]> {
  return view.request('listExplanations', { runId });
}

/** A sample's (or class mean's) overlay as a data: URL, for an <img>. */
export function explanationImage(view: ViewApi, result: ExplainResult, overlay: string): Promise<string> {
  return view.request('getExplanationImage', { runId: result.runId, path: `${result.dir}/${overlay}` });
}
