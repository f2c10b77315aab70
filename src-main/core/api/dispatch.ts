/**
 * The one generic entry point both transports call: validate the raw input against the
 * contract, call the core, turn any failure into a typed `ApiError`. Never throws.
 */
import { storageErrorMessage } from '../util/storageErrors';
import { rm } from 'node:fs/promises';
import { sep } from 'node:path';
import { z } from 'zod';
import type { WorkspacePaths } from '../workspace/workspace';
import type {
  CoreEvent,
  DatasetPreview,
  ImportOptions,
  ModelInspection,
  ReplayResult,
  RunDetail,
  RunListItem,
  RunListQuery,
  TemplateInfo,
  TrainRequest,
} from '../service';
import type { ActiveRun, DatasetMeta, MetricPoint, RunRecord } from '../domain';
import type { PluginInfo } from '../plugins/registry';
import type { WorkspaceTrustInfo } from '../trust/restricted';
import type { SampleDataset } from '../datasets/samples';
import type { DatasetDistributions, DatasetImage, SplitChoice } from '../datasets/explore';
import type { SamplesRequest, datasetSamples } from '../datasets/sampleSidecar';
import {
  API_VERSION,
  apiContract,
  isApiMethod,
  type ApiError,
  type ApiEvent,
  type ApiMethodName,
  type ApiOutput,
  type ApiParsedInput,
  type ApiResult,
} from './contract';
import { saveUpload, uploadDir, uploadEntryPath } from './uploads';
import type { ExplainRequest, ExplainResult } from '../explain/types';
import type { SweepView } from '../sweeps/sweepService';

/** The part of the `Lamina` facade the API uses (structural, so the facade satisfies it as is). */
import type { AugmentationSpec } from '../domain';
import type { AugmentPreview } from '../datasets/augmentPreview';

export interface ApiCore {
  readonly paths: WorkspacePaths;
  onEvent(listener: (e: CoreEvent) => void): () => void;
  importDataset(file: string, opts?: ImportOptions): Promise<DatasetMeta>;
  listSamples(): SampleDataset[];
  importSample(id: string, opts?: ImportOptions): Promise<DatasetMeta>;
  listDatasets(): DatasetMeta[];
  getDataset(idOrName: string): DatasetMeta;
  previewDataset(idOrName: string, range: { offset: number; limit: number }): Promise<DatasetPreview>;
  classBalance(idOrName: string): Promise<{ classes: string[]; counts: Record<'train' | 'validation' | 'test', number[]> }>;
  augmentPreview(idOrName: string, spec: AugmentationSpec | null, opts?: { seed?: number; count?: number }): Promise<AugmentPreview>;
  datasetSamplePage(idOrName: string, req: SamplesRequest): ReturnType<typeof datasetSamples>;
  deleteDataset(idOrName: string): void;
  listTemplates(): TemplateInfo[];
  inspectModel(source: string, dataset: string, params?: Record<string, string | number | boolean>): Promise<ModelInspection>;
  listModels(): { name: string; updatedAt: string }[];
  readModel(name: string): string;
  saveModel(name: string, source: string): void;
  renameModel(from: string, to: string): void;
  deleteModel(name: string): void;
  startRun(req: TrainRequest): Promise<RunRecord>;
  cancelRun(runId: string): void;
  activeRuns(): ActiveRun[];
  replayRun(runId: string, opts?: { tolerance?: number }): Promise<ReplayResult>;
  listExperiments(): { id: number; name: string; runs: number }[];
  listRuns(q: RunListQuery): { total: number; items: RunListItem[] };
  getRunDetail(runId: string): RunDetail;
  listMetricKeys(runId: string): string[];
  getMetricSeries(runId: string, key: string, maxPoints?: number): MetricPoint[];
  renameRun(runId: string, name: string): void;
  listRunArtifactFiles(runId: string, path: string): { path: string; bytes: number }[];
  readRunArtifact(runId: string, path: string): { path: string; kind: string; bytes: number; mediaType: string; base64: string };
  setRunNotes(runId: string, notes: string): void;
  setRunTags(runId: string, tags: Record<string, string>): void;
  deleteRun(runId: string): void;
  exportRun(runId: string, format: 'json' | 'csv'): string;
  listPlugins(): PluginInfo[];
  checkPlugins(ids?: string[]): Promise<PluginInfo[]>;
  installPlugin(source: string): Promise<PluginInfo>;
  setPluginEnabled(id: string, enabled: boolean): Promise<PluginInfo>;
  runPluginCommand(pluginId: string, commandId: string, args?: Record<string, unknown>, runId?: string): Promise<{ pluginId: string; commandId: string; result: unknown }>;
  listPluginViews(location?: string): { pluginId: string; viewId: string; title: string; location?: string; importers?: string[] }[];
  getPluginView(pluginId: string, viewId: string): { pluginId: string; viewId: string; title: string; html: string };
  explainRun(runId: string, req?: ExplainRequest): Promise<ExplainResult>;
  listExplanations(runId: string): ExplainResult[];
  explanationFile(runId: string, path: string): Buffer;
  trustInfo(): WorkspaceTrustInfo;
  trustWorkspace(): WorkspaceTrustInfo;
  listSweeps(): SweepView[];
  getSweep(id: string): SweepView;
  createSweep(spec: string): SweepView;
  startSweep(id: string, parallel?: number): SweepView;
  stopSweep(id: string): SweepView;
  datasetDistributions(idOrName: string, split: SplitChoice): Promise<DatasetDistributions>;
  datasetImages(idOrName: string, opts: { rows?: number[]; perClass?: number; split?: SplitChoice }): Promise<DatasetImage[]>;
}

export interface DispatchContext {
  /** Where `import.progress` events go (the transport forwards them to its clients). */
  emit?: (event: ApiEvent) => void;
  /** Validate outputs against the contract too (tests; off in production for speed). */
  checkOutput?: boolean;
}

type Handler<M extends ApiMethodName> = (
  core: ApiCore,
  input: ApiParsedInput<M>,
  ctx: DispatchContext,
) => ApiOutput<M> | Promise<ApiOutput<M>>;

const OK = { ok: true as const };

function importOptions(input: ApiParsedInput<'datasets.import' | 'datasets.importUpload' | 'datasets.importSample'>, ctx: DispatchContext): ImportOptions {
  const { name, target, task, split, seed, importer, options, progressId, keepColumns, dropColumns } = input;
  const opts: ImportOptions = { name, target, task, split, seed, importer, options, keepColumns, dropColumns };
  if (progressId && ctx.emit) {
    const emit = ctx.emit;
    // Throttle: a big CSV reports per chunk; the UI needs a few updates a second at most.
    let last = 0;
    opts.onProgress = (p) => {
      const now = Date.now();
      if (now - last < 100 && p.done !== p.total) return;
      last = now;
      emit({ type: 'import.progress', progressId, phase: p.phase, done: p.done, total: p.total });
    };
  }
  for (const k of Object.keys(opts) as (keyof ImportOptions)[]) if (opts[k] === undefined) delete opts[k];
  return opts;
}

const handlers: { [M in ApiMethodName]: Handler<M> } = {
  'workspace.info': (core) => ({ workspace: core.paths.root, version: API_VERSION }),

  'datasets.import': (core, input, ctx) => core.importDataset(input.path, importOptions(input, ctx)),
  'datasets.samples': (core) => core.listSamples(),
  'datasets.importSample': (core, input, ctx) => core.importSample(input.sample, importOptions(input, ctx)),
  'uploads.put': async (core, input) => {
    const bytes = Buffer.from(input.dataBase64, 'base64');
    await saveUpload(core.paths.tmp, input.uploadId, input.path, bytes);
    return { bytes: bytes.length };
  },
  'datasets.importUpload': async (core, input, ctx) => {
    // The uploaded file keeps its own name, so the core names the dataset as it would for a local file.
    const file = uploadEntryPath(core.paths.tmp, input.uploadId, input.entry);
    try {
      return await core.importDataset(file, importOptions(input, ctx));
    } catch (err) {
      // The browser's user knows the file by its name, not by our scratch folder.
      const dir = uploadDir(core.paths.tmp, input.uploadId) + sep;
      if (err instanceof Error) err.message = err.message.split(dir).join('');
      const loc = (err as { location?: { file?: string } }).location;
      if (loc?.file?.startsWith(dir)) loc.file = loc.file.slice(dir.length);
      throw err;
    } finally {
      await rm(uploadDir(core.paths.tmp, input.uploadId), { recursive: true, force: true });
    }
  },
  'datasets.list': (core) => core.listDatasets(),
  'datasets.get': (core, { dataset }) => core.getDataset(dataset),
  'datasets.preview': (core, { dataset, offset, limit }) => core.previewDataset(dataset, { offset, limit }),
  'datasets.classBalance': (core, { dataset }) => core.classBalance(dataset),
  'datasets.augmentPreview': (core, { dataset, augmentation, seed, count }) => core.augmentPreview(dataset, augmentation, { seed, count }),
  'datasets.delete': (core, { dataset }) => (core.deleteDataset(dataset), OK),

  'templates.list': (core) => core.listTemplates(),
  'models.inspect': (core, { source, dataset, params }) => core.inspectModel(source, dataset, params),
  'models.list': (core) => core.listModels(),
  'models.read': (core, { name }) => ({ name, source: core.readModel(name) }),
  'models.save': (core, { name, source }) => (core.saveModel(name, source), OK),
  'models.rename': (core, { from, to }) => (core.renameModel(from, to), OK),
  'models.delete': (core, { name }) => (core.deleteModel(name), OK),

  'runs.start': (core, input) => core.startRun(input as TrainRequest),
  'runs.cancel': (core, { runId }) => (core.cancelRun(runId), OK),
  'runs.active': (core) => core.activeRuns(),
  'runs.replay': (core, { runId, tolerance }) => core.replayRun(runId, tolerance === undefined ? {} : { tolerance }),

  'experiments.list': (core) => core.listExperiments(),
  'runs.list': (core, input) => core.listRuns(input),
  'runs.detail': (core, { runId }) => core.getRunDetail(runId),
  'runs.metricKeys': (core, { runId }) => core.listMetricKeys(runId),
  'runs.metricSeries': (core, { runId, key, maxPoints }) => core.getMetricSeries(runId, key, maxPoints),
  'runs.artifact': (core, { runId, path }) => core.readRunArtifact(runId, path),
  'runs.artifactFiles': (core, { runId, path }) => core.listRunArtifactFiles(runId, path),
  'runs.rename': (core, { runId, name }) => (core.renameRun(runId, name), OK),
  'runs.setNotes': (core, { runId, notes }) => (core.setRunNotes(runId, notes), OK),
  'runs.setTags': (core, { runId, tags }) => (core.setRunTags(runId, tags), OK),
  'runs.delete': (core, { runId }) => (core.deleteRun(runId), OK),
  'runs.export': (core, { runId, format }) => ({ format, content: core.exportRun(runId, format) }),

  'plugins.list': (core) => core.listPlugins(),
  'plugins.check': (core, { ids }) => core.checkPlugins(ids),
  'plugins.install': (core, { path }) => core.installPlugin(path),
  'plugins.setEnabled': (core, { id, enabled }) => core.setPluginEnabled(id, enabled),
  'plugins.runCommand': (core, input) => core.runPluginCommand(input.pluginId, input.commandId, input.args, input.runId),
  'plugins.views': (core, { location }) => core.listPluginViews(location),
  'datasets.imageSamples': (core, { dataset, ...req }) => core.datasetSamplePage(dataset, req),
  'plugins.view': (core, { pluginId, viewId }) => core.getPluginView(pluginId, viewId),
  'runs.explain': (core, { runId, ...req }) => core.explainRun(runId, req),
  'runs.explanations': (core, { runId }) => core.listExplanations(runId),
  'runs.explanationImage': (core, { runId, path }) => ({ dataUrl: `data:image/png;base64,${core.explanationFile(runId, path).toString('base64')}` }),
  'workspace.trustInfo': (core) => core.trustInfo(),
  'workspace.trust': (core) => core.trustWorkspace(),
  'sweeps.list': (core) => core.listSweeps(),
  'sweeps.get': (core, { id }) => core.getSweep(id),
  'sweeps.create': (core, { spec }) => core.createSweep(spec),
  'sweeps.start': (core, { id, parallel }) => core.startSweep(id, parallel),
  'sweeps.stop': (core, { id }) => core.stopSweep(id),
  'datasets.distributions': (core, { dataset, split }) => core.datasetDistributions(dataset, split),
  'datasets.images': (core, { dataset, rows, perClass, split }) => core.datasetImages(dataset, { rows, perClass, split }),
};

/** zod issues → one `{ path, message }` per problem, paths written like `config.epochs`. */
export function issuesOf(error: z.ZodError): NonNullable<ApiError['issues']> {
  return error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(input)',
    message: i.message,
  }));
}

const codeOfKind: Record<string, ApiError['code']> = {
  input: 'bad-request',
  usage: 'bad-request',
  'not-found': 'not-found',
  failed: 'failed',
  conflict: 'conflict',
};

/** Any thrown value → a typed ApiError. LaminaError is recognised by shape, not identity. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof z.ZodError) {
    return { code: 'bad-request', message: 'invalid input', issues: issuesOf(err) };
  }
  if (err && typeof err === 'object' && (err as { name?: unknown }).name === 'LaminaError') {
    const e = err as { kind: string; message: string; location?: ApiError['location'] };
    const out: ApiError = { code: codeOfKind[e.kind] ?? 'internal', message: e.message };
    if (e.location && Object.keys(e.location).length > 0) out.location = { ...e.location };
    return out;
  }
  const storage = storageErrorMessage(err);
  if (storage) return { code: 'failed', message: storage };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: message || 'internal error' };
}

export function dispatch<M extends ApiMethodName>(core: ApiCore, method: M, rawInput: unknown, ctx?: DispatchContext): Promise<ApiResult<M>>;
export function dispatch(core: ApiCore, method: string, rawInput: unknown, ctx?: DispatchContext): Promise<ApiResult>;
export async function dispatch(core: ApiCore, method: string, rawInput: unknown, ctx: DispatchContext = {}): Promise<ApiResult> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'not-found', message: `unknown API method "${method}"` } };
  }
  const spec = apiContract[method];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    const first = issues[0]!;
    return {
      ok: false,
      error: { code: 'bad-request', message: `${method}: ${first.path}: ${first.message}`, issues, location: { field: first.path } },
    };
  }
  try {
    const handler = handlers[method] as Handler<ApiMethodName>;
    const value = await handler(core, parsed.data as never, ctx);
    if (ctx.checkOutput) {
      const out = spec.output.safeParse(value);
      if (!out.success) {
        return { ok: false, error: { code: 'internal', message: `${method}: output breaks the contract`, issues: issuesOf(out.error) } };
      }
    }
    return { ok: true, value } as ApiResult;
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}

/** Core events, as the API forwards them (CoreEvent is a subset of ApiEvent). */
export function subscribeEvents(core: ApiCore, listener: (e: ApiEvent) => void): () => void {
  return core.onEvent((e) => listener(e as ApiEvent));
}
