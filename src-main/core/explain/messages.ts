/**
 * The messages of an explanation job between the core and a training host (added to the host
 * protocol's unions in engine/protocol.ts). One host process answers one explain request and exits.
 */
import type { BackendName, DatasetMeta } from '../domain';
import type { ExplainMethod, ExplainOptions, ExplainResult, ExplainSelection } from './types';

export interface ExplainJobMessage {
  type: 'explain';
  runId: string;
  /** The run's saved model folder (model.json + weights.bin). */
  modelDir: string;
  dataset: DatasetMeta;
  /** Absolute path of the dataset's columnar file (its hash checked by the core). */
  datasetFile: string;
  /** The run's seed: SmoothGrad noise and permutation shuffles follow it. */
  seed: number;
  /** The run's backend, tried first; the best available one otherwise. */
  backend: BackendName | null;
  method: ExplainMethod;
  selection: ExplainSelection;
  options: ExplainOptions;
  /** Where the files go: artifacts/<run>/explain/<id>/ (created by the core). */
  outDir: string;
  /** Relative to artifacts/<run>: recorded in the result. */
  dir: string;
  /** Image datasets: each row's file relative to the imported folder, when still known. */
  sources: string[] | null;
}

export interface ExplainProgressMessage {
  type: 'explain.progress';
  done: number;
  total: number;
}

export interface ExplainedMessage {
  type: 'explained';
  status: 'completed' | 'cancelled';
  result: ExplainResult | null;
}
