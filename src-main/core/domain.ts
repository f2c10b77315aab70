/**
 * Domain types shared by every core service. Pure types: no Node imports, so the
 * API contract (and through it the renderer) may depend on this file.
 */

export type Task = 'classification' | 'regression';
export type SplitName = 'train' | 'validation' | 'test';
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Data augmentation settings (see core/training/augmentation.ts). */
export interface AugmentationSpec {
  /** Mirror at random (each with probability ½). */
  flip?: 'horizontal' | 'vertical' | 'both';
  /** Largest shift, as a fraction of the width/height (whole pixels). */
  shift?: number;
  /** Largest rotation in degrees, either way. */
  rotate?: number;
  /** Largest zoom in or out, as a fraction (0.1 = 0.9× to 1.1×). */
  zoom?: number;
  /** Largest brightness change, as a fraction of the sample's value range. */
  brightness?: number;
  /** Largest contrast change (0.2 = 0.8× to 1.2× around the sample's mean). */
  contrast?: number;
  /** Gaussian noise, standard deviation as a fraction of the sample's standard deviation. */
  noise?: number;
  /** Cutout (DeVries & Taylor 2017): a square of this fraction of the shorter side, filled with the mean. */
  cutout?: number;
  /** Mixup (Zhang et al. 2018): blend each sample and its label with another's, λ ~ Beta(α, α). */
  mixup?: number;
}

export type ColumnType = 'number' | 'category' | 'text';

export interface ColumnStats {
  name: string;
  type: ColumnType;
  /** Cells that were empty (missing) in the source. */
  missing: number;
  /** Numeric columns (computed on the train split; used for normalisation). */
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  /** Categorical columns: distinct values in first-seen order (capped for display). */
  categories?: string[];
  /** Why the column is not a model feature (an identifier, free text, dropped on request); absent = a feature. */
  excluded?: string;
}

/** What the catalog knows about an imported dataset (one row of `datasets`). */
export interface DatasetMeta {
  id: string;
  name: string;
  /** 'tabular' (CSV/TSV/JSON), 'image' (image folder), or a plugin importer's kind. */
  kind: string;
  /** Original file or folder, for display only: training never reads it again. */
  source: string;
  rows: number;
  /** Feature columns (tabular) in the order they are stored; for images `['pixels']`. */
  features: string[];
  target: string | null;
  task: Task;
  /** Class labels in index order (classification), else []. */
  classes: string[];
  /** Shape of one input sample, e.g. [4] or [28, 28, 1]. */
  inputShape: number[];
  /** Row counts per split. */
  splits: Record<SplitName, number>;
  splitSeed: number;
  /** Per-column statistics, features first then target. */
  columns: ColumnStats[];
  /** sha256 (hex) of the columnar file's bytes. */
  hash: string;
  /** Columnar file, relative to the workspace root. */
  file: string;
  bytes: number;
  createdAt: string;
  /** Set when the split was made by group (e.g. PatientID): no group has images in two splits. */
  grouping?: { key: string; groups: number };
  /** What a plugin importer reported about the import (its id, image size, window, skipped files…). */
  importInfo?: Record<string, string | number | boolean>;
  /** Interactions datasets (a plugin importer's, API 1.1.0): id vocabularies and the importer's summary. */
  interactions?: DatasetInteractions;
}

export interface DatasetInteractions {
  userIds: string[];
  itemIds: string[];
  implicit: boolean;
  hasTimestamps: boolean;
  itemTitles?: (string | null)[];
  summary: unknown;
}

/** Training settings a model (a template's meta.defaults) may suggest; a run's own settings win. */
export type TrainDefaults = {
  epochs?: number;
  batchSize?: number;
  earlyStoppingPatience?: number;
  restoreBestWeights?: boolean;
  clipNorm?: number;
};

/** Everything a training run needs, as recorded on the run. */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Optimizer name override (sgd, momentum, adam, adagrad, adadelta, rmsprop); null keeps the model's. */
  optimizer: string | null;
  learningRate: number | null;
  /** Preferred backend; null = best available. */
  backend: BackendName | null;
  /** Early stopping on `monitor` (default val_loss) after `patience` epochs without improvement; 0 = off. */
  earlyStoppingPatience: number;
  earlyStoppingMonitor: string;
  /**
   * With early stopping: put back the weights of the best epoch (by the monitor) before the test
   * evaluation and the saved model, as Keras's restore_best_weights. Absent on older runs = false.
   */
  restoreBestWeights?: boolean;
  /** Learning-rate schedule, set per epoch: none (default), step, exponential, cosine or plateau (reduce on plateau). */
  lrSchedule?: 'none' | 'step' | 'exponential' | 'cosine' | 'plateau';
  /** Epochs of linear warm-up from 0 to the base rate before the schedule (0 = none). */
  lrWarmupEpochs?: number;
  /** Factor per step (step 0.5, exponential 0.95 a epoch, plateau 0.5 by default). */
  lrDecay?: number;
  /** Epochs between steps (step, default 10) or without improvement before a cut (plateau, default 5). */
  lrStepEpochs?: number;
  /** Floor of the rate (cosine anneals to it). Default 0. */
  lrMin?: number;
  /** Class weights for imbalanced classification: 'balanced' = n / (classes · n_class) over training rows. */
  classWeight?: 'none' | 'balanced';
  /** Data augmentation of the training split, drawn again every epoch from the run's seed; absent/null = none. */
  augmentation?: AugmentationSpec | null;
  /** Gradient clipping: by global norm and/or by value; null = off. */
  clipNorm: number | null;
  clipValue: number | null;
  /** Save a checkpoint every N epochs; 0 = only the final model. */
  checkpointEvery: number;
  /** Shuffle the training split every epoch (seeded). */
  shuffle: boolean;
  /** Free-form hyperparameters handed to the model source as `params`. */
  params: Record<string, string | number | boolean>;
  /** A plugin trainer (`id` or `plugin/id`) used in place of tfjs fit; absent/null = fit. */
  trainer?: string | null;
}

export interface RunRecord {
  id: string;
  experiment: string;
  name: string | null;
  status: RunStatus;
  seed: number;
  backend: BackendName | null;
  /** Why the better backends were passed over, e.g. "tensorflow: not installed". */
  backendReason: string | null;
  modelName: string;
  source: string;
  sourceHash: string;
  /** Keras JSON topology of the built model. */
  topology: unknown | null;
  datasetId: string;
  datasetHash: string;
  config: TrainConfig;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  error: string | null;
  errorStack: string | null;
  parentRunId: string | null;
  replayOf: string | null;
  resumedFrom: string | null;
  notes: string;
}

/** Summary of one metric of one run, kept up to date on every write. */
export interface MetricSummary {
  key: string;
  last: number;
  lastStep: number;
  min: number;
  max: number;
  /** Step of the best value: min for losses/errors, max otherwise. */
  bestStep: number;
  best: number;
  count: number;
}

export interface MetricPoint {
  key: string;
  step: number;
  epoch: number | null;
  value: number;
  /** ms since epoch */
  time: number;
}

export interface ArtifactRecord {
  runId: string;
  /** Relative to the run's artifact folder. */
  path: string;
  kind: string;
  bytes: number;
  sha256: string;
  createdAt: string;
}

/** Keras-style model summary. */
export interface ModelSummary {
  name: string;
  layers: { name: string; className: string; outputShape: (number | null)[] | (number | null)[][]; params: number }[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

/** Classification evaluation on the test split. */
export interface ClassificationReport {
  classes: string[];
  /** confusion[actual][predicted] */
  confusion: number[][];
  perClass: { label: string; precision: number; recall: number; f1: number; support: number }[];
  accuracy: number;
  macroF1: number;
  /**
   * The test samples the model got wrong, most confident first (at most 64): dataset row, true and
   * predicted class index, the predicted class's probability and the true class's. Absent in runs
   * recorded before it existed.
   */
  misclassified?: MisclassifiedSample[];
  /** ROC and precision–recall curves of the test scores, one-vs-rest per class (runs recorded before they existed have none). */
  curves?: ScoreCurves | null;
}

export interface MisclassifiedSample {
  row: number;
  actual: number;
  predicted: number;
  confidence: number;
  actualProbability: number;
}

/** One class against the rest: ROC points [fpr, tpr, threshold], PR points [recall, precision, threshold]. */
export interface ClassCurves {
  label: string;
  positives: number;
  negatives: number;
  /** NaN (null in JSON) when the test split lacks positives or negatives of this class. */
  auc: number | null;
  averagePrecision: number | null;
  roc: [number, number, number][];
  pr: [number, number, number][];
}

export interface ScoreCurves {
  perClass: ClassCurves[];
  macroAuc: number | null;
  /** Test rows the curves come from. */
  n: number;
}

/** Where a running run is, as its owner last wrote it (any Lamina process on the workspace can read it). */
export interface RunProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  /** Estimated time left, null until it can be estimated. */
  etaMs: number | null;
  /** ms since the epoch when the owner wrote it. */
  updatedAt: number;
}

/** A run that is running now, whoever started it (this window, another tab, the CLI, a worker). */
export interface ActiveRun {
  id: string;
  name: string | null;
  experiment: string;
  modelName: string;
  datasetId: string;
  startedAt: string | null;
  backend: BackendName | null;
  progress: RunProgress | null;
  /** Started by this process (its events stream here) or by another one (polled). */
  local: boolean;
  cancelRequested: boolean;
}
