/**
 * The core's service surface: what the CLI, the HTTP/WebSocket server and the
 * Electron IPC handlers call. Implemented by `Lamina` in ./lamina.ts.
 */
import type {
  ArtifactRecord,
  ClassificationReport,
  MetricPoint,
  MetricSummary,
  ModelSummary,
  RunRecord,
  Task,
  TrainConfig,
  TrainDefaults,
} from './domain';

export interface ImportOptions {
  name?: string;
  target?: string;
  task?: Task;
  /** train, validation, test fractions summing to 1. */
  split?: [number, number, number];
  seed?: number;
  /** Force an importer by id (built-in: csv, tsv, json, image-folder). */
  importer?: string;
  /** Use these columns as features even if they look like identifiers or free text. */
  keepColumns?: string[];
  /** Leave these columns out of the features. */
  dropColumns?: string[];
  /** Options handed to a plugin importer as ctx.options (besides target and task). */
  options?: Record<string, string | number | boolean>;
  /** Text encoding of CSV/TSV/JSON files: utf8 (default, strict) or latin1 (datasets/textDecoding.ts). */
  encoding?: 'utf8' | 'latin1';
  onProgress?: (p: { phase: string; done: number; total: number | null }) => void;
}

export interface DatasetPreview {
  columns: string[];
  rows: (string | number | null)[][];
  /** Split of each previewed row. */
  splits: ('train' | 'validation' | 'test')[];
  total: number;
}

export interface TemplateInfo {
  id: string;
  name: string;
  description: string;
  /** Where it came from: 'builtin' or a plugin id. */
  origin: string;
  source: string;
  /** Training defaults the template suggests (used when a run does not set them). */
  defaults?: TrainDefaults;
}

export interface TrainRequest {
  dataset: string; // id or name
  /** Model source text, or `template:<id>`. */
  model: string;
  modelName?: string;
  experiment?: string;
  runName?: string;
  config?: Partial<TrainConfig>;
  tags?: Record<string, string>;
  /** Continue from the last checkpoint of this run. */
  resumeFrom?: string;
}

export interface RunListQuery {
  experiment?: string;
  /** e.g. `metrics.test_accuracy > 0.9 and params.optimizer = "adam"` */
  filter?: string;
  /** Free-text search over name, experiment, model, tags and params. */
  search?: string;
  status?: RunRecord['status'];
  /** `metrics.<key>` / `params.<key>` / a run column; prefix with `-` for descending. */
  orderBy?: string;
  limit?: number;
  offset?: number;
}

export interface RunListItem {
  id: string;
  name: string | null;
  experiment: string;
  status: RunRecord['status'];
  modelName: string;
  datasetId: string;
  backend: RunRecord['backend'];
  seed: number;
  createdAt: string;
  durationMs: number | null;
  params: Record<string, string>;
  /** Last value of every metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** The run this one is nested under (an ensemble's member, a sweep's trial). */
  parentRunId?: string | null;
}

export interface RunDetail {
  run: RunRecord;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: MetricSummary[];
  artifacts: ArtifactRecord[];
  report: ClassificationReport | null;
}

export interface ReplayResult {
  id: string;
  replayId: string;
  match: boolean;
  maxAbsDiff: number;
  tolerance: number;
  /** Metrics whose series differ (beyond tolerance), with their largest difference. */
  diffs: { key: string; maxAbsDiff: number; recorded: number; replayed: number }[];
}

/** Events the core emits for live UIs (WebSocket / IPC push). */
export type CoreEvent =
  | { type: 'run.started'; runId: string }
  | { type: 'run.backend'; runId: string; backend: string; reason: string }
  | { type: 'run.progress'; runId: string; epoch: number; epochs: number; batch: number; batches: number; loss: number; etaMs: number | null }
  | { type: 'run.metrics'; runId: string; points: MetricPoint[] }
  | { type: 'run.finished'; runId: string; status: RunRecord['status']; error: string | null }
  | { type: 'dataset.imported'; datasetId: string };

export interface ModelInspection {
  ok: boolean;
  summary: ModelSummary | null;
  error: { message: string; line?: number; column?: number; stack?: string } | null;
}
