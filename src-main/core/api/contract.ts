/**
 * The one API contract between the renderer and the core. Both transports (Electron IPC
 * in the app, HTTP + WebSocket in `lamina serve`) are generic over this table: they hand
 * the raw input to `dispatch` (./dispatch.ts), which validates it with `input`, calls the
 * core and returns an `ApiResult`. Neither transport adds behaviour.
 * Pure: zod and domain types only, no Node imports, so the renderer bundles it.
 */
import { z } from 'zod';
import {
  activeRunSchema,
  classBalanceSchema,
  datasetSamplesSchema,
  coreEventSchema,
  datasetMetaSchema,
  datasetPreviewSchema,
  importOptionsSchema,
  metricPointSchema,
  modelInspectionSchema,
  paramValueSchema,
  pluginInfoSchema,
  pluginViewRefSchema,
  refSchema,
  replayResultSchema,
  runDetailSchema,
  runListItemSchema,
  runRecordSchema,
  runStatusSchema,
  sampleDatasetSchema,
  templateInfoSchema,
  trainConfigSchema,
  augmentationSchema,
  workspaceTrustSchema,
  datasetDistributionsSchema,
  datasetImageSchema,
  splitChoiceSchema,
  type ApiEvent,
} from './schemas';
import { explainMethodSchema, explainOptionsSchema, explainResultSchema, explainSelectionSchema } from '../explain/schemas';
import { sweepViewSchema } from '../sweeps/schemas';

export { coreEventSchema };
export type { ApiEvent };

export interface ApiMethod<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

/** Version of this contract; bumped when a method's input or output changes incompatibly. */
export const API_VERSION = '1.0.0';

const ok = z.object({ ok: z.literal(true) });
const modelName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'use letters, digits, space, dot, dash or underscore (no slashes)');
/** Relative path inside an upload: no absolute paths, no `..`, no backslashes. */
const uploadPath = z
  .string()
  .min(1)
  .max(1000)
  .refine((p) => !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '') && !p.includes('\\') && !p.includes('\0'), 'must be a relative path without ".."');

export const apiContract = {
  'workspace.info': {
    input: z.object({}),
    output: z.object({ workspace: z.string(), version: z.string() }),
  },

  // ── datasets ──────────────────────────────────────────────────────────────
  /** Import a file or folder already on the core's machine (Electron: a path from the open dialog). */
  'datasets.import': {
    input: importOptionsSchema.extend({ path: refSchema }),
    output: datasetMetaSchema,
  },
  /** Store one file of an upload under <workspace>/.tmp/uploads/<uploadId>/<path> (IPC; HTTP has a raw-body route). */
  'uploads.put': {
    input: z.object({
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, dash, underscore (max 64)'),
      path: uploadPath,
      dataBase64: z.string(),
    }),
    output: z.object({ bytes: z.number() }),
  },
  /** Import what an upload holds: `entry` is the uploaded file, or the top folder of an image folder. */
  'datasets.importUpload': {
    input: importOptionsSchema.extend({
      uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
      entry: uploadPath,
    }),
    output: datasetMetaSchema,
  },
  /** The built-in sample datasets, with their attribution. */
  'datasets.samples': { input: z.object({}), output: z.array(sampleDatasetSchema) },
  /** Import a built-in sample (its target column unless `target` names another). */
  'datasets.importSample': {
    input: importOptionsSchema.extend({ sample: refSchema }),
    output: datasetMetaSchema,
  },
  'datasets.list': { input: z.object({}), output: z.array(datasetMetaSchema) },
  'datasets.get': { input: z.object({ dataset: refSchema }), output: datasetMetaSchema },
  'datasets.preview': {
    input: z.object({
      dataset: refSchema,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(100),
    }),
    output: datasetPreviewSchema,
  },
  'datasets.classBalance': { input: z.object({ dataset: refSchema }), output: classBalanceSchema },
  'datasets.augmentPreview': {
    input: z.object({ dataset: refSchema, augmentation: augmentationSchema.nullable(), seed: z.number().int().min(0).max(2 ** 32 - 1).optional(), count: z.number().int().min(1).max(64).optional() }),
    output: z.object({ shape: z.array(z.number().int()), samples: z.array(z.object({ label: z.string(), original: z.array(z.number()), augmented: z.array(z.number()) })) }),
  },
  /** Stored images with their per-sample facts (and pre-display values when kept), for dataset views. */
  'datasets.imageSamples': {
    input: z.object({
      dataset: refSchema,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(64).default(16),
      label: z.string().optional(),
      split: z.enum(['train', 'validation', 'test']).optional(),
    }),
    output: datasetSamplesSchema,
  },
  'datasets.delete': { input: z.object({ dataset: refSchema }), output: ok },

  // ── models ────────────────────────────────────────────────────────────────
  'templates.list': { input: z.object({}), output: z.array(templateInfoSchema) },
  'models.inspect': {
    input: z.object({
      source: z.string().max(2_000_000),
      dataset: refSchema,
      params: z.record(z.string(), paramValueSchema).optional(),
    }),
    output: modelInspectionSchema,
  },
  'models.list': { input: z.object({}), output: z.array(z.object({ name: z.string(), updatedAt: z.string() })) },
  'models.read': { input: z.object({ name: modelName }), output: z.object({ name: z.string(), source: z.string() }) },
  'models.save': { input: z.object({ name: modelName, source: z.string().max(2_000_000) }), output: ok },
  'models.rename': { input: z.object({ from: modelName, to: modelName }), output: ok },
  'models.delete': { input: z.object({ name: modelName }), output: ok },

  // ── training ──────────────────────────────────────────────────────────────
  'runs.start': {
    input: z.object({
      dataset: refSchema,
      /** Model source text, or `template:<id>`. */
      model: z.string().min(1, 'must not be empty').max(2_000_000),
      modelName: z.string().max(200).optional(),
      experiment: z.string().trim().min(1).max(200).optional(),
      runName: z.string().max(200).optional(),
      config: trainConfigSchema.partial().optional(),
      tags: z.record(z.string(), z.string()).optional(),
      resumeFrom: z.string().optional(),
    }),
    output: runRecordSchema,
  },
  'runs.cancel': { input: z.object({ runId: refSchema }), output: ok },
  /** Runs running now in the workspace, whoever started them (this window, another tab, the CLI, a worker). */
  'runs.active': { input: z.object({}), output: z.array(activeRunSchema) },
  'runs.replay': {
    input: z.object({ runId: refSchema, tolerance: z.number().min(0).optional() }),
    output: replayResultSchema,
  },

  // ── runs ──────────────────────────────────────────────────────────────────
  'experiments.list': {
    input: z.object({}),
    output: z.array(z.object({ id: z.number(), name: z.string(), runs: z.number() })),
  },
  'runs.list': {
    input: z.object({
      experiment: z.string().optional(),
      filter: z.string().max(2000).optional(),
      search: z.string().max(500).optional(),
      status: runStatusSchema.optional(),
      orderBy: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
    }),
    output: z.object({ total: z.number(), items: z.array(runListItemSchema) }),
  },
  'runs.detail': { input: z.object({ runId: refSchema }), output: runDetailSchema },
  'runs.metricKeys': { input: z.object({ runId: refSchema }), output: z.array(z.string()) },
  'runs.metricSeries': {
    input: z.object({ runId: refSchema, key: refSchema, maxPoints: z.number().int().min(2).max(100_000).optional() }),
    output: z.array(metricPointSchema),
  },
  'runs.artifact': {
    input: z.object({ runId: refSchema, path: z.string().min(1).max(1000) }),
    output: z.object({ path: z.string(), kind: z.string(), bytes: z.number(), mediaType: z.string(), base64: z.string() }),
  },
  'runs.artifactFiles': {
    input: z.object({ runId: refSchema, path: z.string().min(1).max(1000) }),
    output: z.array(z.object({ path: z.string(), bytes: z.number() })),
  },
  'runs.rename': { input: z.object({ runId: refSchema, name: z.string().max(1000) }), output: ok },
  'runs.setNotes': { input: z.object({ runId: refSchema, notes: z.string().max(100_000) }), output: ok },
  'runs.setTags': {
    input: z.object({ runId: refSchema, tags: z.record(z.string().min(1).max(200), z.string().max(2000)) }),
    output: ok,
  },
  'runs.delete': { input: z.object({ runId: refSchema }), output: ok },
  'runs.export': {
    input: z.object({ runId: refSchema, format: z.enum(['json', 'csv']).default('json') }),
    output: z.object({ format: z.enum(['json', 'csv']), content: z.string() }),
  },

  // ── plugins ───────────────────────────────────────────────────────────────
  /** Every discovered plugin with its state (re-scans the folders; runs no plugin code). */
  'plugins.list': { input: z.object({}), output: z.array(pluginInfoSchema) },
  /** Loads enabled plugins' code in a host process; the ones that fail are disabled with their error. */
  'plugins.check': { input: z.object({ ids: z.array(refSchema).optional() }), output: z.array(pluginInfoSchema) },
  /** Install a plugin folder or .tgz on the core's machine into <workspace>/plugins. */
  'plugins.install': { input: z.object({ path: refSchema }), output: pluginInfoSchema },
  'plugins.setEnabled': { input: z.object({ id: refSchema, enabled: z.boolean() }), output: pluginInfoSchema },
  /** Run a command an enabled plugin contributes (in a host process); `result` is what it returned, as JSON. */
  'plugins.runCommand': {
    // runId (1.2): the run the command is about (a plugin view passes the run it shows), handed to it as ctx.run
    input: z.object({ pluginId: refSchema, commandId: refSchema, args: z.record(z.string(), z.unknown()).default({}), runId: z.string().min(1).optional() }),
    output: z.object({ pluginId: z.string(), commandId: z.string(), result: z.unknown() }),
  },
  /** Views of enabled plugins for a place in the UI. */
  'plugins.views': {
    input: z.object({ location: z.enum(['run-detail', 'dataset']).default('run-detail') }),
    output: z.array(pluginViewRefSchema),
  },
  /** A view as one HTML document (for srcdoc where the CSP allows it; `lamina serve` and the app also serve it by URL). */
  'plugins.view': {
    input: z.object({ pluginId: refSchema, viewId: refSchema }),
    output: pluginViewRefSchema.extend({ html: z.string() }),
  },

  // ── explanations (core/explain) ───────────────────────────────────────────
  /** Explain a completed run in a host process; the files are kept as the run's artifacts. */
  'runs.explain': {
    input: z.object({ runId: refSchema, method: explainMethodSchema.optional(), selection: explainSelectionSchema.optional(), options: explainOptionsSchema.optional() }),
    output: explainResultSchema,
  },
  /** A run's saved explanations, newest first. */
  'runs.explanations': { input: z.object({ runId: refSchema }), output: z.array(explainResultSchema) },
  /** An explanation's overlay PNG as a data: URL (`path` relative to the run's artifacts, under explain/). */
  'runs.explanationImage': {
    input: z.object({ runId: refSchema, path: z.string().min(1).max(500).regex(/^explain\/[^\\]+\.png$/, 'an explain/…/*.png path') }),
    output: z.object({ dataUrl: z.string() }),
  },
  // ── workspace trust (SECURITY.md) ─────────────────────────────────────────
  /** Whether the open workspace may run its plugin and model code ('restricted' when not). */
  'workspace.trustInfo': { input: z.object({}), output: workspaceTrustSchema },
  /** The user trusts the open workspace on this machine (the restricted-mode banner's button). */
  'workspace.trust': { input: z.object({}), output: workspaceTrustSchema },
  // ── sweeps (core/sweeps; docs/SWEEPS.md) ──────────────────────────────────
  /** Every sweep of the workspace, newest first, with its trials. */
  'sweeps.list': { input: z.object({}), output: z.array(sweepViewSchema) },
  'sweeps.get': { input: z.object({ id: refSchema }), output: sweepViewSchema },
  /** Record a sweep from spec text (YAML or JSON, W&B format); a model FILE must be a saved model or template here. */
  'sweeps.create': { input: z.object({ spec: z.string().min(1).max(200_000) }), output: sweepViewSchema },
  /** Run (or resume) the sweep in the background of this process; its trials are ordinary runs. */
  'sweeps.start': { input: z.object({ id: refSchema, parallel: z.number().int().min(1).max(16).optional() }), output: sweepViewSchema },
  'sweeps.stop': { input: z.object({ id: refSchema }), output: sweepViewSchema },

  // ── Datasets page: distributions and image grids ─────────────────────────
  /** Per-column histograms (numeric) and value counts (categorical, target) over one split or all rows. */
  'datasets.distributions': {
    input: z.object({ dataset: refSchema, split: splitChoiceSchema.default('train') }),
    output: datasetDistributionsSchema,
  },
  /** Thumbnails: the given rows, or the first `perClass` images of each class in a split (image datasets, 8×8 digits). */
  'datasets.images': {
    input: z.object({
      dataset: refSchema,
      rows: z.array(z.number().int().min(0)).max(256).optional(),
      perClass: z.number().int().min(1).max(64).default(8),
      split: splitChoiceSchema.default('all'),
    }),
    output: z.array(datasetImageSchema),
  },
} satisfies Record<string, ApiMethod>;

export type ApiContract = typeof apiContract;
export type ApiMethodName = keyof ApiContract;
/** What a caller sends (defaults may be omitted). */
export type ApiInput<M extends ApiMethodName> = z.input<ApiContract[M]['input']>;
/** What the core receives after validation (defaults filled in). */
export type ApiParsedInput<M extends ApiMethodName> = z.output<ApiContract[M]['input']>;
export type ApiOutput<M extends ApiMethodName> = z.output<ApiContract[M]['output']>;

export const apiMethodNames = Object.keys(apiContract) as ApiMethodName[];
export function isApiMethod(name: string): name is ApiMethodName {
  return Object.prototype.hasOwnProperty.call(apiContract, name);
}

export const apiErrorCodeSchema = z.enum(['bad-request', 'unauthorized', 'not-found', 'failed', 'conflict', 'internal']);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

/** Typed error every transport returns instead of throwing across the boundary. */
export const apiErrorSchema = z.object({
  code: apiErrorCodeSchema,
  message: z.string(),
  /** Validation problems, one per offending field (`path` like `config.epochs`). */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  location: z
    .object({ file: z.string().optional(), line: z.number().optional(), column: z.union([z.number(), z.string()]).optional(), field: z.string().optional() })
    .optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** What both transports carry back: never a thrown error. */
export type ApiResult<M extends ApiMethodName = ApiMethodName> =
  | { ok: true; value: ApiOutput<M> }
  | { ok: false; error: ApiError };

/** HTTP status for each error code (the body still carries the typed error). */
export const httpStatusOf: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  failed: 422,
  internal: 500,
};

/**
 * What the Electron preload exposes as `window.lamina` (contextBridge). `invoke` resolves
 * to the result envelope of `dispatch` — errors are values, because Electron strips the
 * fields of errors thrown across IPC. `pathForFile` (webUtils.getPathForFile) lets the
 * renderer import a dropped file by path instead of uploading its bytes.
 */
export interface LaminaBridge {
  invoke(method: ApiMethodName, input: unknown): Promise<ApiResult>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  pathForFile?(file: File): string;
}

/** Error thrown by the renderer's client (the only place errors are thrown again). */
export class ApiCallError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiError['issues'];
  readonly location: ApiError['location'];
  constructor(readonly method: string, error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.issues = error.issues;
    this.location = error.location;
  }
}
