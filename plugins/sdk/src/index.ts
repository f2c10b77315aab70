/**
 * @lamina/plugin-sdk — the contract between Lamina and a plugin.
 *
 * A plugin's Node entry (`lamina.main` in its package.json) exports, as default or as `plugin`,
 * the object `definePlugin({...})` returns. Lamina loads it in the training/plugin host process
 * (never in the app's main process) and calls its functions with an API object: the plugin
 * reaches datasets, run logging, artifacts and progress only through that object.
 *
 * Runtime code here is tiny (definePlugin, PLUGIN_API_VERSION) so a plugin's bundler can inline
 * it; everything else is types. TensorFlow.js is handed to plugins as `ctx.tf` (the host's own
 * instance): do not bundle your own copy.
 */
import type * as TF from '@tensorflow/tfjs';
import type { ExplainViewRequests } from './explain';
import type { DatasetViewRequests } from './datasetView';
import type { TrainerDeclaration } from './params';
import type { ImportedImages } from './images';

/** The plugin API this SDK describes. Lamina refuses plugins whose `apiVersion` range excludes the host's. */
export const PLUGIN_API_VERSION = '1.2.0';

export type Tf = typeof TF;
export type Task = 'classification' | 'regression';
export type ParamValue = string | number | boolean;

// ---- manifest (package.json "lamina" field) ------------------------------------------------

export interface PluginManifest {
  /** Plugin id; defaults to the package name without its scope. */
  id?: string;
  /** Semver range of the plugin API this plugin needs, e.g. "^1.0.0". */
  apiVersion: string;
  /** Node entry (built CommonJS), relative to the plugin folder. */
  main?: string;
  /** UI entry (a browser script) for views, relative to the plugin folder. */
  renderer?: string;
  displayName?: string;
  description?: string;
  contributes?: {
    datasetImporters?: { id: string; name: string; extensions: string[] }[];
    modelTemplates?: { id: string; name: string; description?: string; file: string; defaults?: { epochs?: number; batchSize?: number } }[];
    /** 1.1.0: `tasks` and `params` (see params.ts). */
    trainers?: TrainerDeclaration[];
    metrics?: { id: string; name: string; tasks: Task[]; higherIsBetter?: boolean }[];
    /**
     * 'run-detail': a tab of a run's page. 1.2: 'dataset', a tab of the Datasets page (context.datasetId),
     * shown only for datasets from the listed `importers` ("plugin/importer") when given.
     */
    views?: { id: string; title: string; location: 'run-detail' | 'dataset'; importers?: string[] }[];
    /** 1.2 addition: `runArg` names the `--arg` that names a run; Lamina resolves it and hands the command that run as `ctx.run`. */
    commands?: { id: string; title: string; runArg?: string }[];
  };
}

// ---- the API object handed to plugin code ----------------------------------------------------

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PluginContext {
  /** The plugin's id and folder (read-only use: ship data files with the plugin). */
  readonly pluginId: string;
  readonly pluginDir: string;
  readonly apiVersion: string;
  readonly logger: Logger;
}

// ---- dataset importers ----------------------------------------------------------------------

export interface ImporterContext extends PluginContext {
  /** Options given to `lamina import` (target, task, …). */
  readonly options: { target?: string; task?: Task; [k: string]: unknown };
  progress(done: number, total: number | null): void;
}

/** A table: column names and one array of cells per row. Lamina infers types, target and task. */
export interface ImportedTable {
  columns: string[];
  rows: (string | number | null)[][];
}

export type DatasetImporter = (file: string, ctx: ImporterContext) => ImportedTable | ImportedImages | Promise<ImportedTable | ImportedImages>;

// ---- metrics --------------------------------------------------------------------------------

export interface MetricInput {
  task: Task;
  classes: string[];
  /** Test-split rows. */
  n: number;
  /** Class index (classification) or target value (regression), per row. */
  yTrue: Float32Array;
  /** Predicted class index (classification) or predicted value (regression), per row. */
  yPred: Float32Array;
  /** Classification: n × classes.length probabilities (row-major); null for regression. */
  probabilities: Float32Array | null;
}

/**
 * Several named numbers from one metric (plugin API 1.2): `value` is stored as `test_<metric id>`,
 * every other entry as `test_<metric id>_<name>` (lowercased; characters other than a–z, 0–9, _
 * become _). E.g. `{ value: macroAuc, lesion: 0.97, normal: 0.97 }` → test_auc, test_auc_lesion, test_auc_normal.
 */
export type MetricValues = { value?: number; [name: string]: number | undefined };

/** Returns the metric's value, stored as `test_<metric id>` on the run, or (1.2) several named values. */
export type Metric = (input: MetricInput) => number | MetricValues | Promise<number | MetricValues>;

// ---- trainers -------------------------------------------------------------------------------

export interface SplitData {
  /** n × prod(inputShape) normalised features, row-major. */
  x: Float32Array;
  /** Class index or target value per row. */
  y: Float32Array;
  n: number;
}

export interface DatasetView {
  name: string;
  task: Task;
  classes: string[];
  inputShape: number[];
  features: string[];
  train: SplitData;
  validation: SplitData;
  test: SplitData;
}

export interface RunLog {
  /** One metric value; `step` defaults to an increasing counter per key. */
  metric(key: string, value: number, step?: number): void;
  metrics(values: Record<string, number>, step?: number): void;
  params(values: Record<string, ParamValue>): void;
}

export interface ChildRun extends RunLog {
  readonly key: string;
  /** Ends the child run (completed unless an error is given). */
  end(error?: string): void;
}

export interface TrainerContext extends PluginContext {
  tf: Tf;
  dataset: DatasetView;
  config: { epochs: number; batchSize: number; seed: number; learningRate: number | null; optimizer: string | null };
  params: Record<string, ParamValue>;
  /** Seeded uniform random in [0, 1) (the host seeds tfjs and Math.random too). */
  random(): number;
  /** Builds (and compiles) the run's model from `--model`, fresh each call; throws when the run has none. */
  buildModel(params?: Record<string, ParamValue>): Promise<TF.LayersModel>;
  log: RunLog;
  runs: {
    /** A nested run (parent_run_id = this run): ensembles' members, sweep trials. */
    child(name: string, params?: Record<string, ParamValue>): ChildRun;
  };
  artifacts: {
    /** Absolute folder of this run's artifacts. */
    dir: string;
    /** Writes a file under the artifacts folder and records it on the run. */
    write(relativePath: string, data: string | Uint8Array, kind?: string): void;
  };
  progress(epoch: number, epochs: number, loss?: number): void;
  /** True once the user asked to cancel: return early. */
  cancelled(): boolean;
}

export interface TrainerResult {
  /** A trained model: Lamina evaluates it on the test split like any run. */
  model?: TF.LayersModel;
  /** Or a prediction function: n rows in, n × outputs (probabilities or values) out. */
  predict?: (x: Float32Array, n: number) => Float32Array | Promise<Float32Array>;
  /** Extra final metrics to record as they are. */
  metrics?: Record<string, number>;
  /** Number of epochs run (for the record). */
  epochs?: number;
}

export type Trainer = (ctx: TrainerContext) => Promise<TrainerResult>;

// ---- commands -------------------------------------------------------------------------------

/**
 * A recorded run, as a command sees it (plugin API 1.2 addition). Lamina resolves the run (full id or a
 * unique prefix) before the command starts; the command reads the run's recorded artifacts — the files
 * its trainer wrote with `ctx.artifacts.write` — and nothing else of the workspace.
 */
export interface CommandRun {
  id: string;
  name: string | null;
  status: string;
  /** The plugin trainer that produced it (`plugin/id`), or null for a model fit. */
  trainer: string | null;
  datasetId: string;
  params: Record<string, ParamValue>;
  /** Final metric values (last value of each key). */
  metrics: Record<string, number>;
  /** The recorded artifacts (path relative to the run's artifacts folder, and kind). */
  artifacts: { path: string; kind: string; bytes: number }[];
  /** Bytes of a recorded artifact (or a file inside a recorded folder); throws for any other path. */
  readArtifact(path: string): Uint8Array;
  /** The same as UTF-8 text. */
  readArtifactText(path: string): string;
}

/** What a command receives (1.2 addition: `run`). */
export interface CommandContext extends PluginContext {
  /**
   * The run the command was asked about: from the `--arg` its manifest names in `runArg`
   * (`lamina plugin run P C --arg run=RUN`), or the run a plugin view shows when the view runs the
   * command. Null when there is none.
   */
  readonly run: CommandRun | null;
}

/** A contributed command. Throw a `CommandInputError` for bad arguments: exit 2, and the plugin stays enabled. */
export type PluginCommand = (args: Record<string, unknown>, ctx: CommandContext) => unknown | Promise<unknown>;

// ---- the plugin -----------------------------------------------------------------------------

export interface PluginDefinition {
  /** Called once when the host loads the plugin. Throwing disables the plugin. */
  activate?(ctx: PluginContext): void | Promise<void>;
  importers?: Record<string, DatasetImporter>;
  trainers?: Record<string, Trainer>;
  metrics?: Record<string, Metric>;
  commands?: Record<string, PluginCommand>;
}

/** Identity with types: `export default definePlugin({ metrics: { … } })`. */
export function definePlugin<T extends PluginDefinition>(definition: T): T {
  return definition;
}

// ---- views (browser side; see viewBridge.ts) --------------------------------------------------

export interface ViewContext {
  viewId: string;
  runId: string | null;
  /** 1.2: the dataset a dataset view is shown for (null in run views; absent before 1.2). */
  datasetId?: string | null;
  /** 1.2: the app's colour theme when the view was opened (also `<html data-theme>` in the view). */
  theme?: 'light' | 'dark';
}

/** What a view can ask its host page for (explanations since 1.1.0: see explain.ts; datasets since 1.2: datasetView.ts). */
export interface ViewRequests extends ExplainViewRequests, DatasetViewRequests {
  getRun(args: { runId: string }): unknown;
  listMetricKeys(args: { runId: string }): string[];
  getMetricSeries(args: { runId: string; key: string; maxPoints?: number }): { step: number; value: number }[];
  /**
   * 1.2 addition: runs one of the view's own plugin's commands, with the view's run as `ctx.run`;
   * the answer is the command's JSON result.
   */
  runCommand(args: { commandId: string; args?: Record<string, unknown> }): unknown;
}

// ---- model templates (source files a plugin ships; the same module form as the editor's) --------

export interface ModelMeta {
  name?: string;
  description?: string;
  tasks?: Task[];
  /** 'input': an autoencoder, trained to reconstruct its input. */
  target?: 'input' | 'label';
  defaults?: { epochs?: number; batchSize?: number };
}

export interface ModelContext {
  tf: Tf;
  inputShape: number[];
  outputShape: number[];
  task: Task;
  numClasses: number;
  classes: string[];
  params: Record<string, ParamValue>;
  seed: number;
  optimizer(name?: string, learningRate?: number): TF.Optimizer;
  param(name: string, fallback: number): number;
  param(name: string, fallback: string): string;
  param(name: string, fallback: boolean): boolean;
}

/** `export default function createModel(ctx)` of a template module. */
export type CreateModel = (ctx: ModelContext) => TF.LayersModel;

export * from './explain';
// ---- declared trainer parameters (1.1.0) ------------------------------------------------------
export * from './params';
export * from './images';
export * from './interactions';
export * from './errors';
export { metricValues, metricSuffix } from './metricValues';
export * from './datasetView';
export { rocAuc } from './roc';
