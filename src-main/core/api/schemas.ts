/**
 * Zod schemas of the domain values that cross the API boundary. They mirror the types in
 * ../domain.ts and ../service.ts; `schemas.test.ts` checks that real facade outputs
 * parse, so the two cannot drift apart unnoticed. Outputs are not parsed in production
 * (dispatch hands the core's value through as is), so a field the core adds is not stripped.
 * Pure: zod only, no Node imports (the renderer bundles this file).
 */
import { z } from 'zod';

export const taskSchema = z.enum(['classification', 'regression']);
export const splitNameSchema = z.enum(['train', 'validation', 'test']);
export const backendSchema = z.enum(['tensorflow', 'wasm', 'cpu']);
export const runStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export const paramValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** Identifiers and names typed by people: non-empty, bounded, trimmed. */
export const refSchema = z.string().trim().min(1, 'must not be empty').max(500);

export const columnStatsSchema = z.object({
  name: z.string(),
  type: z.enum(['number', 'category', 'text']),
  missing: z.number(),
  mean: z.number().optional(),
  std: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  categories: z.array(z.string()).optional(),
  excluded: z.string().optional(),
});

export const datasetMetaSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  source: z.string(),
  rows: z.number(),
  features: z.array(z.string()),
  target: z.string().nullable(),
  task: taskSchema,
  classes: z.array(z.string()),
  inputShape: z.array(z.number()),
  splits: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  splitSeed: z.number(),
  columns: z.array(columnStatsSchema),
  hash: z.string(),
  file: z.string(),
  bytes: z.number(),
  createdAt: z.string(),
  grouping: z.object({ key: z.string(), groups: z.number() }).optional(),
  importInfo: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Interactions datasets (plugin API 1.1.0): the importer's summary (interactionsSummarySchema); the id lists stay in the catalog. */
  interactions: z.object({ implicit: z.boolean(), hasTimestamps: z.boolean(), summary: z.unknown() }).optional(),
});

/** What the Datasets page shows of an interactions dataset (the SDK's InteractionsSummary). */
export const interactionsSummarySchema = z.object({
  users: z.number(),
  items: z.number(),
  interactions: z.number(),
  density: z.number(),
  ratingHistogram: z.record(z.string(), z.number()),
  itemPopularity: z.array(z.number()),
  duplicates: z.number(),
  belowThreshold: z.number(),
  unseenUsers: z.object({ validation: z.number(), test: z.number() }),
  unseenItems: z.object({ validation: z.number(), test: z.number() }),
  split: z.object({ method: z.string(), train: z.number(), validation: z.number(), test: z.number() }),
});

export const datasetPreviewSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  splits: z.array(splitNameSchema),
  total: z.number(),
});

export const classBalanceSchema = z.object({
  classes: z.array(z.string()),
  counts: z.object({ train: z.array(z.number()), validation: z.array(z.number()), test: z.array(z.number()) }),
});

/** A built-in sample dataset (resources/samples/samples.json). */
export const sampleDatasetSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  /** A file name inside resources/samples. */
  file: z.string().regex(/^[^/\\]+$/),
  target: z.string(),
  description: z.string(),
  /** Where the data comes from, and its licence. */
  source: z.string(),
});

export const templateInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  origin: z.string(),
  source: z.string(),
  /** Training settings the template suggests; the Train form shows them and a run uses them unless it sets its own. */
  defaults: z
    .looseObject({
      epochs: z.number().optional(),
      batchSize: z.number().optional(),
      earlyStoppingPatience: z.number().optional(),
      restoreBestWeights: z.boolean().optional(),
      clipNorm: z.number().optional(),
    })
    .optional(),
});

export const modelSummarySchema = z.object({
  name: z.string(),
  layers: z.array(
    z.object({
      name: z.string(),
      className: z.string(),
      outputShape: z.union([z.array(z.number().nullable()), z.array(z.array(z.number().nullable()))]),
      params: z.number(),
    }),
  ),
  totalParams: z.number(),
  trainableParams: z.number(),
  nonTrainableParams: z.number(),
});

export const modelInspectionSchema = z.object({
  ok: z.boolean(),
  summary: modelSummarySchema.nullable(),
  error: z
    .looseObject({ message: z.string(), line: z.number().optional(), column: z.number().optional(), stack: z.string().optional() })
    .nullable(),
});

/** Data augmentation settings (core/training/augmentation.ts validates the same ranges). */
export const augmentationSchema = z
  .object({
    flip: z.enum(['horizontal', 'vertical', 'both']).optional(),
    shift: z.number().min(0).max(0.5).optional(),
    rotate: z.number().min(0).max(180).optional(),
    zoom: z.number().min(0).max(0.9).optional(),
    brightness: z.number().min(0).max(1).optional(),
    contrast: z.number().min(0).max(0.9).optional(),
    noise: z.number().min(0).max(2).optional(),
    cutout: z.number().min(0).max(1).optional(),
    mixup: z.number().min(0).max(10).optional(),
  })
  .strict();

export const trainConfigSchema = z.object({
  epochs: z.number().int().min(1).max(100_000),
  batchSize: z.number().int().min(1).max(1_000_000),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  optimizer: z.enum(['sgd', 'momentum', 'adam', 'adagrad', 'adadelta', 'rmsprop']).nullable(),
  learningRate: z.number().positive().max(100).nullable(),
  backend: backendSchema.nullable(),
  earlyStoppingPatience: z.number().int().min(0),
  earlyStoppingMonitor: z.string().min(1),
  restoreBestWeights: z.boolean().optional(),
  lrSchedule: z.enum(['none', 'step', 'exponential', 'cosine', 'plateau']).optional(),
  lrWarmupEpochs: z.number().int().min(0).optional(),
  lrDecay: z.number().positive().max(1).optional(),
  lrStepEpochs: z.number().int().min(1).optional(),
  lrMin: z.number().min(0).optional(),
  classWeight: z.enum(['none', 'balanced']).optional(),
  augmentation: augmentationSchema.nullable().optional(),
  clipNorm: z.number().positive().nullable(),
  clipValue: z.number().positive().nullable(),
  checkpointEvery: z.number().int().min(0),
  shuffle: z.boolean(),
  params: z.record(z.string(), paramValueSchema),
  /** A plugin trainer (`id` or `plugin/id`) in place of TensorFlow.js fit; absent/null = fit. */
  trainer: z.string().trim().min(1).max(200).nullable().optional(),
});

export const runRecordSchema = z.object({
  id: z.string(),
  experiment: z.string(),
  name: z.string().nullable(),
  status: runStatusSchema,
  seed: z.number(),
  backend: backendSchema.nullable(),
  backendReason: z.string().nullable(),
  modelName: z.string(),
  source: z.string(),
  sourceHash: z.string(),
  topology: z.unknown().nullable(),
  datasetId: z.string(),
  datasetHash: z.string(),
  config: trainConfigSchema.extend({ optimizer: z.string().nullable(), epochs: z.number(), batchSize: z.number(), seed: z.number() }),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  errorStack: z.string().nullable(),
  parentRunId: z.string().nullable(),
  replayOf: z.string().nullable(),
  resumedFrom: z.string().nullable(),
  notes: z.string(),
});

export const metricPointSchema = z.object({
  key: z.string(),
  step: z.number(),
  epoch: z.number().nullable(),
  value: z.number(),
  time: z.number(),
});

export const metricSummarySchema = z.object({
  key: z.string(),
  last: z.number(),
  lastStep: z.number(),
  min: z.number(),
  max: z.number(),
  bestStep: z.number(),
  best: z.number(),
  count: z.number(),
});

export const artifactRecordSchema = z.object({
  runId: z.string(),
  path: z.string(),
  kind: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
});

export const classificationReportSchema = z.object({
  classes: z.array(z.string()),
  confusion: z.array(z.array(z.number())),
  perClass: z.array(
    z.object({ label: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() }),
  ),
  accuracy: z.number(),
  macroF1: z.number(),
  misclassified: z
    .array(z.object({ row: z.number(), actual: z.number(), predicted: z.number(), confidence: z.number(), actualProbability: z.number() }))
    .optional(),
  curves: z
    .object({
      perClass: z.array(
        z.object({
          label: z.string(),
          positives: z.number(),
          negatives: z.number(),
          auc: z.number().nullable(),
          averagePrecision: z.number().nullable(),
          roc: z.array(z.tuple([z.number(), z.number(), z.number()])),
          pr: z.array(z.tuple([z.number(), z.number(), z.number()])),
        }),
      ),
      macroAuc: z.number().nullable(),
      n: z.number(),
    })
    .nullable()
    .optional(),
});

export const runListItemSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  experiment: z.string(),
  status: runStatusSchema,
  modelName: z.string(),
  datasetId: z.string(),
  backend: backendSchema.nullable(),
  seed: z.number(),
  createdAt: z.string(),
  durationMs: z.number().nullable(),
  params: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
  parentRunId: z.string().nullable().optional(),
});

export const runDetailSchema = z.object({
  run: runRecordSchema,
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  metrics: z.array(metricSummarySchema),
  artifacts: z.array(artifactRecordSchema),
  report: classificationReportSchema.nullable(),
});

export const replayResultSchema = z.object({
  id: z.string(),
  replayId: z.string(),
  match: z.boolean(),
  maxAbsDiff: z.number(),
  tolerance: z.number(),
  diffs: z.array(z.object({ key: z.string(), maxAbsDiff: z.number(), recorded: z.number(), replayed: z.number() })),
});

/** A discovered plugin and its state (core: plugins/registry.ts PluginInfo). */
const contributionId = z.object({ id: z.string() }).passthrough();
export const pluginContributesSchema = z.object({
  datasetImporters: z.array(z.object({ id: z.string(), name: z.string(), extensions: z.array(z.string()) })),
  modelTemplates: z.array(contributionId.extend({ name: z.string(), file: z.string() })),
  trainers: z.array(contributionId.extend({ name: z.string() })),
  metrics: z.array(contributionId.extend({ name: z.string() })),
  views: z.array(contributionId.extend({ title: z.string(), location: z.string() })),
  commands: z.array(contributionId.extend({ title: z.string(), runArg: z.string().optional() })),
});
export const pluginInfoSchema = z.object({
  id: z.string(),
  version: z.string(),
  enabled: z.boolean(),
  error: z.string().nullable(),
  path: z.string(),
  origin: z.enum(['builtin', 'user', 'workspace']),
  displayName: z.string(),
  description: z.string(),
  apiVersion: z.string().nullable(),
  contributes: pluginContributesSchema.nullable(),
  /** Trust (SECURITY.md): workspace plugins run only with the user's consent and in a trusted workspace. */
  consent: z.enum(['not-needed', 'granted', 'required']).optional(),
  restricted: z.boolean().optional(),
  ignoredCopies: z.array(z.object({ path: z.string(), origin: z.enum(['builtin', 'user', 'workspace']) })).optional(),
});
export const pluginViewRefSchema = z.object({
  pluginId: z.string(), viewId: z.string(), title: z.string(),
  // 1.2: where the view goes, and (dataset views) which importers' datasets it is for
  location: z.string().optional(), importers: z.array(z.string()).optional(),
});

/** Stored samples of an image dataset, for dataset views (plugin API 1.2; see the SDK's datasetView.ts). */
export const datasetSamplesSchema = z.object({
  datasetId: z.string(),
  total: z.number(),
  shape: z.array(z.number()),
  classes: z.array(z.string()),
  hasValues: z.boolean(),
  valuesUnit: z.string().nullable(),
  samples: z.array(z.object({
    index: z.number(),
    split: z.enum(['train', 'validation', 'test']),
    label: z.string(),
    meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    pixels: z.string(),
    values: z.string().nullable(),
  })),
});

/** Import options a client may send (the progress callback is the transport's business). */
export const importOptionsSchema = z.object({
  name: refSchema.optional(),
  target: refSchema.optional(),
  task: taskSchema.optional(),
  split: z
    .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine((s) => Math.abs(s[0] + s[1] + s[2] - 1) < 1e-6, 'train, validation and test fractions must sum to 1')
    .optional(),
  seed: z.number().int().min(0).optional(),
  importer: z.string().optional(),
  keepColumns: z.array(z.string()).optional(),
  dropColumns: z.array(z.string()).optional(),
  /** Options for a plugin importer (its ctx.options), e.g. { labels: 'labels.csv', window: 'lung', size: 64 }. */
  options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** Client-chosen id; `import.progress` events carry it back. */
  progressId: z.string().max(100).optional(),
  /** Text encoding of CSV/TSV/JSON files: utf8 (default; invalid bytes are an error) or latin1. */
  encoding: z.enum(['utf8', 'latin1']).optional(),
});

/** Core events pushed to live UIs, plus the API's own import progress. */
export const coreEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.started'), runId: z.string() }),
  z.object({ type: z.literal('run.backend'), runId: z.string(), backend: z.string(), reason: z.string() }),
  z.object({
    type: z.literal('run.progress'),
    runId: z.string(),
    epoch: z.number(),
    epochs: z.number(),
    batch: z.number(),
    batches: z.number(),
    loss: z.number(),
    etaMs: z.number().nullable(),
  }),
  z.object({ type: z.literal('run.metrics'), runId: z.string(), points: z.array(metricPointSchema) }),
  z.object({ type: z.literal('run.finished'), runId: z.string(), status: runStatusSchema, error: z.string().nullable() }),
  z.object({ type: z.literal('dataset.imported'), datasetId: z.string() }),
  z.object({
    type: z.literal('import.progress'),
    progressId: z.string(),
    phase: z.string(),
    done: z.number(),
    total: z.number().nullable(),
  }),
]);
export type ApiEvent = z.infer<typeof coreEventSchema>;

export const runProgressSchema = z.object({
  epoch: z.number(),
  epochs: z.number(),
  batch: z.number(),
  batches: z.number(),
  loss: z.number().nullable(),
  etaMs: z.number().nullable(),
  updatedAt: z.number(),
});

export const activeRunSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  experiment: z.string(),
  modelName: z.string(),
  datasetId: z.string(),
  startedAt: z.string().nullable(),
  backend: backendSchema.nullable(),
  progress: runProgressSchema.nullable(),
  local: z.boolean(),
  cancelRequested: z.boolean(),
});

/** Workspace trust: 'restricted' runs no plugin or model code from the workspace (SECURITY.md). */
export const workspaceTrustSchema = z.object({
  root: z.string(),
  state: z.enum(['trusted', 'trusted-once', 'restricted']),
  trusted: z.boolean(),
});

// ── Datasets page: distributions and image grids (datasets/explore.ts) ─────
export const splitChoiceSchema = z.enum(['all', 'train', 'validation', 'test']);
export const datasetDistributionsSchema = z.object({
  split: splitChoiceSchema,
  rows: z.number(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number()), missing: z.number() }).optional(),
      counts: z.array(z.object({ value: z.string(), count: z.number() })).optional(),
    }),
  ),
});
export const datasetImageSchema = z.object({ row: z.number(), label: z.string().nullable(), split: splitNameSchema, src: z.string() });
