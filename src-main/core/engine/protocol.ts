/**
 * Messages between the core (engine client) and a training host process.
 * One host process trains one run (or answers one inspect request) and exits,
 * so a crash, an out-of-memory kill or a native abort takes only that run down.
 */
import type {
  BackendName,
  ClassificationReport,
  DatasetMeta,
  MetricPoint,
  ModelSummary,
  TrainConfig,
} from '../domain';
import type { ExplainJobMessage, ExplainProgressMessage, ExplainedMessage } from '../explain/messages';
import type { InteractionsImport } from '../../../plugins/sdk/src/interactions';

// ---- core -> host ----------------------------------------------------------

export interface StartTrainingMessage {
  type: 'start';
  runId: string;
  /** Model source (TypeScript or JavaScript module text). */
  source: string;
  dataset: DatasetMeta;
  /** Absolute path of the dataset's columnar file. */
  datasetFile: string;
  config: TrainConfig;
  /** Absolute path of artifacts/<run-id>/ (created by the core). */
  artifactsDir: string;
  /** Continue from a checkpoint written by an earlier run. */
  resume?: { checkpointDir: string };
  /** Plugins whose code this run uses (their metrics, and the trainer's plugin). */
  plugins?: PluginCodeRef[];
  /** Train with a plugin trainer in place of tfjs fit; `source` is then optional (hasModel). */
  trainer?: { pluginId: string; trainerId: string; hasModel: boolean };
  /** Plugin metrics to compute on the test split, stored as test_<metricId>. */
  pluginMetrics?: { pluginId: string; metricIds: string[] }[];
}

/** Where a plugin's Node entry is; the host requires `dir/main`. */
export interface PluginCodeRef {
  id: string;
  version: string;
  dir: string;
  main: string;
}

/** Load each plugin (and call its activate) to find the ones that throw. */
export interface PluginProbeMessage {
  type: 'plugin.probe';
  plugins: PluginCodeRef[];
}

/** Run a plugin's dataset importer on a file; the answer is a table the core imports. */
export interface PluginImportMessage {
  type: 'plugin.import';
  plugin: PluginCodeRef;
  importerId: string;
  file: string;
  options: Record<string, unknown>;
}

/** Run a command a plugin contributes; the answer is its (JSON) result. */
export interface PluginCommandMessage {
  type: 'plugin.command';
  plugin: PluginCodeRef;
  commandId: string;
  args: Record<string, unknown>;
  /** The run the command is about (plugin API 1.2), resolved by the core; see commandRun.ts. */
  run?: CommandRunRecord;
}

export interface CommandRunRecord {
  id: string;
  name: string | null;
  status: string;
  trainer: string | null;
  datasetId: string;
  params: Record<string, string | number | boolean>;
  metrics: Record<string, number>;
  artifactsDir: string;
  artifacts: { path: string; kind: string; bytes: number }[];
}

export interface InspectModelMessage {
  type: 'inspect';
  source: string;
  dataset: Pick<DatasetMeta, 'inputShape' | 'task' | 'classes'>;
  params: TrainConfig['params'];
  backend: BackendName | null;
}

export interface CancelMessage {
  type: 'cancel';
}

export type CoreToHostMessage = StartTrainingMessage | InspectModelMessage | CancelMessage | PluginProbeMessage | PluginImportMessage | PluginCommandMessage | ExplainJobMessage;

// ---- host -> core ----------------------------------------------------------

export interface BackendChosenMessage {
  type: 'backend';
  backend: BackendName;
  /** Why better backends were passed over, e.g. "tensorflow: @tensorflow/tfjs-node not installed". */
  reason: string;
}

export interface ModelBuiltMessage {
  type: 'model';
  summary: ModelSummary;
  /** Keras JSON topology (model.toJSON(null, false)). */
  topology: unknown;
  /** Hyperparameters as resolved from the compiled model: optimizer, learning rate, loss, … */
  resolvedParams: Record<string, string | number | boolean>;
}

export interface MetricsMessage {
  type: 'metrics';
  points: MetricPoint[];
}

export interface ProgressMessage {
  type: 'progress';
  epoch: number; // 1-based
  epochs: number;
  batch: number; // 1-based within the epoch
  batches: number;
  /** Latest batch loss, for live display. */
  loss: number;
}

export interface ArtifactMessage {
  type: 'artifact';
  /** Relative to artifactsDir. */
  path: string;
  kind: 'model' | 'checkpoint' | 'evaluation' | 'log' | string;
}

export interface DoneMessage {
  type: 'done';
  status: 'completed' | 'cancelled';
  /** Final metrics on the test split: test_loss, test_accuracy, test_mse, … */
  testMetrics: Record<string, number>;
  report: ClassificationReport | null;
  stoppedEarly: boolean;
  epochsRun: number;
}

export type HostErrorReason = 'nan' | 'source' | 'data' | 'backend' | 'internal' | 'plugin';

export interface ErrorMessage {
  type: 'error';
  reason: HostErrorReason;
  message: string;
  stack?: string;
  /** For reason 'source': where in the user's model source (1-based), when known. */
  line?: number;
  column?: number;
}

export interface InspectedMessage {
  type: 'inspected';
  summary: ModelSummary;
  topology: unknown;
  backend: BackendName;
}

/** A plugin's code threw (at load or inside a contribution): the core disables it. */
export interface PluginErrorMessage {
  type: 'plugin.error';
  pluginId: string;
  phase: 'load' | 'trainer' | 'metric' | 'importer' | 'command';
  message: string;
  stack?: string;
}

export interface PluginProbedMessage {
  type: 'plugin.probed';
  results: { id: string; ok: boolean; error?: string }[];
}

export interface PluginImportedMessage {
  type: 'plugin.imported';
  columns: string[];
  rows: (string | number | null)[][];
  /** Set when the importer returned images (plugin API 1.1.0); columns and rows are then empty. */
  images?: PluginImportedImages;
  /** An interactions importer's description (plugin API 1.1.0). */
  interactions?: InteractionsImport;
}

export interface PluginImportedImages {
  shape: [number, number, number];
  pixels: Uint8Array;
  labels: string[];
  groups?: string[];
  groupKey?: string;
  info?: Record<string, string | number | boolean>;
  /** Plugin API 1.2: per-image facts and pre-display values (see the SDK's ImportedImages). */
  samples?: Record<string, string | number | boolean>[];
  values?: Float32Array;
  valuesUnit?: string;
}

export interface PluginCommandResultMessage {
  type: 'plugin.commanded';
  /** What the command returned, as JSON (undefined becomes null). */
  result: unknown;
}

/** Params a plugin trainer logged for the run (or for a child run, when `child` is set). */
export interface RunParamsMessage {
  type: 'run.params';
  child?: string;
  params: Record<string, string | number | boolean>;
}

/** A plugin trainer opened a nested run (ensemble member, sweep trial). */
export interface ChildRunMessage {
  type: 'run.child';
  key: string;
  name: string;
  params: Record<string, string | number | boolean>;
}

export interface ChildRunMetricsMessage {
  type: 'run.childMetrics';
  key: string;
  points: MetricPoint[];
}

export interface ChildRunEndMessage {
  type: 'run.childEnd';
  key: string;
  error?: string;
}

export type HostToCoreMessage =
  | PluginErrorMessage
  | PluginProbedMessage
  | PluginImportedMessage
  | PluginCommandResultMessage
  | RunParamsMessage
  | ChildRunMessage
  | ChildRunMetricsMessage
  | ChildRunEndMessage
  | BackendChosenMessage
  | ModelBuiltMessage
  | MetricsMessage
  | ProgressMessage
  | ArtifactMessage
  | DoneMessage
  | ErrorMessage
  | InspectedMessage
  | ExplainProgressMessage
  | ExplainedMessage;
