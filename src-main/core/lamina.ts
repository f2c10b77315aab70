/**
 * Lamina's core facade: one object per open workspace, composed of small services.
 * Everything a user can do goes through here — the CLI, `lamina serve` and the Electron
 * IPC handlers all call these methods, so behaviour lives in one place.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ActiveRun, AugmentationSpec, DatasetMeta, MetricPoint, RunRecord } from './domain';
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
} from './service';
import { ensureWorkspaceFolders, runArtifactsDir, workspacePaths, type WorkspacePaths } from './workspace/workspace';
import { openDatabase } from './store/database';
import { RunStore } from './store/runStore';
import { MetricWriter } from './store/metricWriter';
import { MetricQueries } from './store/metricQueries';
import { importDataset } from './datasets/importDataset';
import { findSampleDataset, listSampleDatasets, type SampleDataset } from './datasets/samples';
import { previewDataset, classBalance } from './datasets/preview';
import { augmentPreview } from './datasets/augmentPreview';
import { datasetImages, distributions, type DatasetDistributions, type DatasetImage, type SplitChoice } from './datasets/explore';
import { datasetSamples, removeSampleSidecar, writeSampleSidecar, type SamplesRequest } from './datasets/sampleSidecar';
import { cleanRunName } from './runs/runNames';
import { listArtifactFiles, readRunArtifact, type ArtifactContent } from './runs/runArtifacts';
import { listBuiltinTemplates } from './models/templates';
import { ModelLibrary } from './models/modelLibrary';
import { killAfter, type EngineClient, type WarmHostMode } from './engine/engineClient';
import type { HostLauncher } from './engine/hostLauncher';
import { RunManager, type ResolvedModel } from './training/runManager';
import { replayRun } from './training/replay';
import { exportRunCsv, exportRunJson } from './runs/exportRun';
import { LaminaError, inputError, notFound } from './util/errors';
import { PluginRegistry, type PluginInfo } from './plugins/registry';
import { pluginRoots } from './plugins/locations';
import { PluginAwareEngine, NO_MODEL_MARK } from './plugins/pluginEngine';
import type { RemoteTraining } from './distributed/coordinator';
import { PluginHostClient } from './plugins/pluginHostClient';
import { commandRunId } from './plugins/commandRun';
import type { CommandRunRecord } from './engine/protocol';
import { readPluginManifest, type PluginManifest } from './plugins/manifest';
import { viewDocument } from './plugins/views';
import { ExplainService, type ExplainCallOptions } from './explain/explainService';
import type { ExplainRequest, ExplainResult } from './explain/types';
import { inspectTimeoutMs } from './engine/inspectTimeout';
import { hasValidTrustMark, isNewWorkspace, removeTrustMark, writeTrustMark, type TrustState } from './trust/workspaceTrust';
import { machineMac } from './trust/machineKey';
import { RestrictedError, restrictedError, type WorkspaceTrustInfo } from './trust/restricted';
import { checkRunTrainerParams } from './plugins/trainerParams';
import { ownerAlive, pidAlive } from './runs/ownerLease';
import { storageErrorCode } from './util/storageErrors';
import { sweepStaleParts } from './util/atomicWrite';
import { SweepService, type SweepView } from './sweeps/sweepService';
import { LocalTrialExecutor } from './sweeps/localTrialExecutor';

export interface LaminaOptions {
  hostLauncher?: HostLauncher;
  /** How long a cancelled run's host may take to stop before it is killed (see CANCEL_GRACE_MS). */
  cancelGraceMs?: number;
  /** How long a model check (the editor's summary) may take (default: $LAMINA_INSPECT_TIMEOUT_MS or INSPECT_TIMEOUT_MS). */
  inspectTimeoutMs?: number;
  /** Trust an untrusted workspace for this process only (`--trust` on one command); nothing is written. */
  trustOnce?: boolean;
  /** Keep a warm training host for runs and model checks (default 'off'; see keepHostWarm). */
  warmHost?: WarmHostMode;
}

export { INSPECT_TIMEOUT_MS } from './engine/inspectTimeout';

type Database = ReturnType<typeof openDatabase>;

export class Lamina {
  readonly paths: WorkspacePaths;
  private readonly db: Database;
  readonly store: RunStore;
  readonly queries: MetricQueries;
  private readonly metrics: MetricWriter;
  private readonly models: ModelLibrary;
  private readonly engine: EngineClient;
  readonly plugins: PluginRegistry;
  private readonly pluginHost: PluginHostClient;
  private readonly runs: RunManager;
  private readonly listeners = new Set<(e: CoreEvent) => void>();
  private closed = false;
  private readonly inspectTimeoutMs: number;
  private readonly explainer: ExplainService;
  private trust: TrustState;
  /** Sweeps (core/sweeps): spec, trials as child runs, resumable runner. */
  readonly sweeps: SweepService;

  private constructor(root: string, opts: LaminaOptions) {
    this.paths = workspacePaths(root);
    // A workspace made here from nothing is trusted; one that arrived with a database or code is not.
    const createdHere = isNewWorkspace(this.paths.root);
    ensureWorkspaceFolders(this.paths);
    if (createdHere) writeTrustMark(this.paths.root);
    // Leftovers of writers that died (a day old or more) and uploads never imported.
    sweepStaleParts([this.paths.datasets, this.paths.artifacts, this.paths.models, this.paths.tmp], { uploadsDir: join(this.paths.tmp, 'uploads') });
    this.trust = hasValidTrustMark(this.paths.root) ? 'trusted' : opts.trustOnce ? 'trusted-once' : 'restricted';
    this.db = openDatabase(this.paths.db);
    this.store = new RunStore(this.db);
    this.queries = new MetricQueries(this.db);
    // A flush that fails for storage (disk full, read-only, I/O error) stops the runs training here.
    this.metrics = new MetricWriter(this.db, { onError: (err) => this.runs.storageFailed(err) });
    this.models = new ModelLibrary(this.paths.models);
    this.plugins = new PluginRegistry(this.store, () => pluginRoots(this.paths.plugins), {
      workspaceTrusted: () => this.trust !== 'restricted',
      consentMac: (id, version, dir) => machineMac(['lamina-plugin-consent-v1', this.paths.root, id, version, dir]),
    });
    this.pluginHost = new PluginHostClient(opts.hostLauncher);
    this.inspectTimeoutMs = opts.inspectTimeoutMs ?? inspectTimeoutMs();
    this.engine = new PluginAwareEngine(opts.hostLauncher, this.plugins, this.store, this.metrics);
    if (opts.warmHost) this.engine.keepHostWarm(opts.warmHost);
    this.runs = new RunManager({
      store: this.store,
      metrics: this.metrics,
      paths: this.paths,
      engine: this.engine,
      emit: (e) => this.emit(e),
      resolveModel: (model, name) => this.resolveModel(model, name),
      cancelGraceMs: opts.cancelGraceMs,
    });
    this.explainer = new ExplainService({ store: this.store, paths: this.paths, launcher: opts.hostLauncher });
    // Runs left 'running' by a Lamina process that died are failed, not left hanging.
    this.failRunsOfDeadOwners();
    this.sweeps = new SweepService({
      db: this.db,
      store: this.store,
      queries: this.queries,
      listTemplateIds: () => this.listTemplates().flatMap((t) => [t.id, `${t.origin}/${t.id}`]),
      listSavedModels: () => this.models.list().map((m) => m.name),
      isAlive: pidAlive,
      localExecutor: () => new LocalTrialExecutor(this),
    });
  }

  private ownersCheckedAt = 0;
  /**
   * Fails runs whose owning process has ended (pid + start time, runs/ownerLease.ts). Runs at open
   * and whenever runs are listed (at most once a second), so a lab or server that polls its run list
   * notices an owner killed with SIGKILL within seconds.
   */
  private failRunsOfDeadOwners(force = true): void {
    const now = Date.now();
    if (!force && now - this.ownersCheckedAt < 1000) return;
    this.ownersCheckedAt = now;
    let marked: string[] = [];
    try {
      marked = this.store.markInterruptedRuns(ownerAlive);
    } catch {
      return; // a busy or read-only database: the next look tries again
    }
    for (const id of marked) {
      const run = this.store.getRun(id);
      if (run) this.emit({ type: 'run.finished', runId: id, status: run.status, error: run.error });
    }
  }

  static open(workspaceDir: string, opts: LaminaOptions = {}): Lamina {
    return new Lamina(workspaceDir, opts);
  }

  onEvent(listener: (e: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: CoreEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A failing listener (a closed socket, say) must not break training.
      }
    }
  }

  // ---- datasets --------------------------------------------------------------------

  async importDataset(file: string, opts: ImportOptions = {}): Promise<DatasetMeta> {
    if (opts.name && this.store.datasetNameTaken(opts.name)) {
      throw new LaminaError('conflict', `a dataset named "${opts.name}" already exists`, { field: 'name' });
    }
    const imported = await this.pluginTable(file, opts);
    const table = imported && 'images' in imported ? { images: imported.images } : imported ? { table: imported } : undefined;
    const meta = await importDataset(file, { ...opts, ...(table ? { ...table, importer: undefined } : {}), id: randomUUID().replace(/-/g, '') }, this.paths);
    const named = { ...meta, name: this.uniqueDatasetName(meta.name, Boolean(opts.name)) };
    try {
      // Plugin API 1.2: per-image facts and pre-display values, beside the dataset file.
      if (table && 'images' in table && table.images) writeSampleSidecar(join(this.paths.root, named.file), table.images);
      this.store.insertDataset(named);
    } catch (e) {
      rmSync(join(this.paths.root, named.file), { force: true });
      removeSampleSidecar(join(this.paths.root, named.file));
      throw e;
    }
    this.emit({ type: 'dataset.imported', datasetId: named.id });
    return named;
  }

  /** The built-in sample datasets (resources/samples), with their attribution. */
  listSamples(): SampleDataset[] {
    return listSampleDatasets();
  }

  /** Import a built-in sample: its shipped file, with its target column unless `opts` names another. */
  async importSample(id: string, opts: ImportOptions = {}): Promise<DatasetMeta> {
    const sample = findSampleDataset(id);
    return this.importDataset(sample.path, { ...opts, target: opts.target ?? sample.target });
  }

  /** Runs a plugin importer (chosen by --importer or the file's extension) in a host process. */
  private async pluginTable(file: string, opts: ImportOptions) {
    const builtin = ['csv', 'tsv', 'json', 'image-folder'];
    if (opts.importer !== undefined && builtin.includes(opts.importer)) return undefined;
    if (opts.importer === undefined && /\.(csv|tsv|tab|json|jsonl|ndjson)$/i.test(file)) return undefined;
    const hit = this.plugins.importer(file, opts.importer);
    if (!hit) {
      if (opts.importer === undefined) return undefined;
      throw new LaminaError('usage', `unknown importer "${opts.importer}" (built-in: ${builtin.join(', ')}; from plugins: ${this.plugins.importerIds().join(', ') || 'none'})`, { field: 'importer' });
    }
    const ref = this.plugins.ref(hit.plugin)!;
    const imageSize = (opts as { imageSize?: number }).imageSize;
    const options = { ...(imageSize ? { size: imageSize } : {}), ...opts.options, target: opts.target, task: opts.task, split: opts.split, seed: opts.seed };
    const r = await this.pluginHost.importTable(ref, hit.importerId, file, options);
    for (const e of r.pluginErrors) this.plugins.recordFailure(e.pluginId, e.phase, e.message);
    if (!r.answer && r.errorDetail?.reason === 'data') throw inputError(r.error ?? 'bad input', { file, line: r.errorDetail.line, column: r.errorDetail.column });
    if (!r.answer) throw new LaminaError('failed', r.error ?? `plugin "${ref.id}" importer "${hit.importerId}" gave no table`, { file });
    const importer = `${ref.id}/${hit.importerId}`;
    if (r.answer.images) return { images: { ...r.answer.images, importer } };
    return { importer, columns: r.answer.columns, rows: r.answer.rows, interactions: r.answer.interactions };
  }

  private uniqueDatasetName(name: string, explicit: boolean): string {
    if (explicit || !this.store.datasetNameTaken(name)) return name;
    for (let i = 2; ; i++) if (!this.store.datasetNameTaken(`${name}-${i}`)) return `${name}-${i}`;
  }

  listDatasets(): DatasetMeta[] {
    return this.store.listDatasets();
  }

  getDataset(idOrName: string): DatasetMeta {
    return this.store.requireDataset(idOrName);
  }

  async previewDataset(idOrName: string, range: { offset: number; limit: number }): Promise<DatasetPreview> {
    const meta = this.getDataset(idOrName);
    return previewDataset(join(this.paths.root, meta.file), meta, range);
  }

  async classBalance(idOrName: string) {
    const meta = this.getDataset(idOrName);
    return classBalance(join(this.paths.root, meta.file), meta);
  }

  /** A few training samples before and after an augmentation (the Train page's preview). */
  async augmentPreview(idOrName: string, spec: AugmentationSpec | null, opts: { seed?: number; count?: number } = {}) {
    const meta = this.getDataset(idOrName);
    return augmentPreview(join(this.paths.root, meta.file), meta, spec, opts);
  }

  /** Per-column histograms and value counts over one split (Datasets page). */
  async datasetDistributions(idOrName: string, split: SplitChoice = 'train'): Promise<DatasetDistributions> {
    const meta = this.getDataset(idOrName);
    return distributions(join(this.paths.root, meta.file), meta, split);
  }

  /** Thumbnails of given rows, or the first images of each class (image datasets and square-pixel tables). */
  async datasetImages(idOrName: string, opts: { rows?: number[]; perClass?: number; split?: SplitChoice } = {}): Promise<DatasetImage[]> {
    const meta = this.getDataset(idOrName);
    return datasetImages(join(this.paths.root, meta.file), meta, opts);
  }

  deleteDataset(idOrName: string): void {
    const meta = this.getDataset(idOrName);
    this.store.deleteDataset(meta.id);
    rmSync(join(this.paths.root, meta.file), { force: true });
    removeSampleSidecar(join(this.paths.root, meta.file));
  }

  /** Stored images with their per-sample facts (plugin API 1.2 dataset views). */
  async datasetSamplePage(idOrName: string, req: SamplesRequest) {
    const meta = this.getDataset(idOrName);
    return datasetSamples(join(this.paths.root, meta.file), meta, req);
  }

  // ---- models ----------------------------------------------------------------------

  /** Built-in templates, then enabled plugins' (origin = plugin id). */
  listTemplates(): TemplateInfo[] {
    return [...listBuiltinTemplates(), ...this.plugins.templates()];
  }

  // ---- trust -----------------------------------------------------------------------

  /** Whether this workspace may run its plugin and model code (SECURITY.md). */
  trustInfo(): WorkspaceTrustInfo {
    return { root: this.paths.root, state: this.trust, trusted: this.trust !== 'restricted' };
  }

  /** The user trusts this workspace on this machine (`lamina trust`, the banner's button). */
  trustWorkspace(): WorkspaceTrustInfo {
    writeTrustMark(this.paths.root);
    this.trust = 'trusted';
    this.plugins.refresh();
    return this.trustInfo();
  }

  /** Back to restricted mode (`lamina trust --revoke`). */
  revokeTrust(): WorkspaceTrustInfo {
    removeTrustMark(this.paths.root);
    this.trust = 'restricted';
    return this.trustInfo();
  }

  /** In restricted mode only model code that ships with Lamina (or a trusted plugin) may run. */
  private assertMayRunModel(source: string): void {
    if (this.trust !== 'restricted') return;
    if (this.listTemplates().some((t) => t.source === source)) return;
    throw restrictedError(this.paths.root, 'model code');
  }

  /** `template:<id>` (or `template:<plugin>/<id>`), the name of a saved model, or model source text. */
  private resolveModel(model: string, modelName?: string): ResolvedModel {
    const resolved = this.resolveModelSource(model, modelName);
    if (!model.startsWith(NO_MODEL_MARK)) this.assertMayRunModel(resolved.source);
    return resolved;
  }

  private resolveModelSource(model: string, modelName?: string): ResolvedModel {
    if (model.startsWith(NO_MODEL_MARK)) return { name: modelName ?? 'trainer', source: model };
    if (model.startsWith('template:')) {
      const id = model.slice('template:'.length);
      const t = this.listTemplates().find((x) => x.id === id || `${x.origin}/${x.id}` === id);
      if (!t) {
        const hidden = this.trust === 'restricted' ? ' (restricted mode: templates of workspace plugins are hidden until you trust the workspace)' : '';
        throw notFound(`no template "${id}"; available: ${this.listTemplates().map((x) => x.id).join(', ')}${hidden}`);
      }
      return { name: modelName ?? t.id, source: t.source, defaults: t.defaults };
    }
    if (!model.includes('\n') && this.models.has(model)) return { name: modelName ?? model, source: this.models.read(model) };
    return { name: modelName ?? 'custom', source: model };
  }

  /** `timeoutMs` overrides the workspace's limit for this one check. */
  async inspectModel(source: string, dataset: string, params: Record<string, string | number | boolean> = {}, opts: { timeoutMs?: number } = {}): Promise<ModelInspection> {
    const meta = this.getDataset(dataset);
    if (this.trust === 'restricted') {
      // Checking a model runs it; say so in the editor rather than fail the request.
      try {
        this.resolveModel(source);
      } catch (e) {
        if (e instanceof RestrictedError) return { ok: false, summary: null, error: { message: e.message } };
        throw e;
      }
    }
    const job = this.engine.run({
      type: 'inspect',
      source: this.resolveModel(source).source,
      dataset: { inputShape: meta.inputShape, task: meta.task, classes: meta.classes },
      params,
      backend: 'cpu',
    });
    // The editor checks as the user types: a half-written loop must not leave a host spinning.
    const deadline = killAfter(job, opts.timeoutMs ?? this.inspectTimeoutMs);
    const outcome = await job.outcome;
    if (deadline.killed()) return { ok: false, summary: null, error: { message: `the model check did not finish within ${deadline.ms / 1000} s and was stopped (does createModel loop forever?)` } };
    if (outcome.kind === 'inspected') return { ok: true, summary: outcome.message.summary, error: null };
    if (outcome.kind === 'error') {
      const { message, stack, line, column } = outcome.message;
      return { ok: false, summary: null, error: { message, stack, line, column } };
    }
    const message = outcome.kind === 'crashed' ? `model check crashed (${outcome.signal ?? outcome.code})` : 'unexpected answer';
    return { ok: false, summary: null, error: { message } };
  }

  listModels() {
    return this.models.list();
  }
  readModel(name: string): string {
    return this.models.read(name);
  }
  saveModel(name: string, source: string): void {
    this.models.save(name, source);
  }
  renameModel(from: string, to: string): void {
    this.models.rename(from, to);
  }
  deleteModel(name: string): void {
    this.models.delete(name);
  }

  // ---- training --------------------------------------------------------------------

  /** `parentRunId` nests the run under another (a sweep's trial under the sweep's run). */
  startRun(req: TrainRequest & { parentRunId?: string }): Promise<RunRecord> {
    return this.runs.start(this.withTrainer(req), req.parentRunId ? { parentRunId: req.parentRunId } : {});
  }

  /** A plugin trainer must exist before the run does; without --model it trains models of its own. */
  private withTrainer(req: TrainRequest): TrainRequest {
    const trainer = req.config?.trainer;
    if (!trainer) return req;
    if (this.trust === 'restricted' && this.plugins.list().some((p) => p.restricted && p.contributes?.trainers.some((t) => trainer === t.id || trainer === `${p.id}/${t.id}`))) {
      throw restrictedError(this.paths.root, `the trainer "${trainer}" of a workspace plugin`);
    }
    const { plugin, trainerId } = this.plugins.trainer(trainer);
    const declared = plugin.manifest.contributes.trainers.find((t) => t.id === trainerId);
    if (declared && (declared.params || declared.tasks)) {
      const params = checkRunTrainerParams(declared, req.config?.params ?? {}, this.getDataset(req.dataset).task);
      req = { ...req, config: { ...req.config, params } };
    }
    if (req.model) return req;
    return { ...req, model: `${NO_MODEL_MARK}${trainer}\n`, modelName: req.modelName ?? `trainer:${trainer}` };
  }

  /**
   * From now on this workspace's runs train on queue workers (`--queue`); null = here again.
   * This process stays the only writer of the store: workers only send messages and upload files.
   */
  useRemoteTraining(remote: RemoteTraining | null): void {
    (this.engine as PluginAwareEngine).remote = remote;
  }

  waitForRun(runId: string): Promise<RunRecord> {
    return this.runs.wait(runId);
  }

  /** Start and wait: the CLI's `train`. */
  async train(req: TrainRequest): Promise<RunRecord> {
    const run = await this.runs.start(this.withTrainer(req));
    return this.runs.wait(run.id);
  }

  cancelRun(runId: string): void {
    this.runs.cancel(runId);
  }

  /** Every run running now in this workspace, whoever started it, with its latest progress. */
  activeRuns(): ActiveRun[] {
    this.failRunsOfDeadOwners(false);
    const here = new Set(this.runs.runningIds());
    return this.store.listActiveRuns().map((r) => ({ ...r, local: here.has(r.id) }));
  }

  /** Process id of a running run's training host (undefined when not running here). */
  hostPid(runId: string): number | undefined {
    return this.runs.hostPid(runId);
  }

  // ---- runs ------------------------------------------------------------------------

  listExperiments(): { id: number; name: string; runs: number; createdAt: string }[] {
    return this.store.listExperiments().map((e) => ({ id: e.id, name: e.name, runs: e.runCount, createdAt: e.createdAt }));
  }

  listRuns(q: RunListQuery = {}): { total: number; items: RunListItem[] } {
    this.failRunsOfDeadOwners(false);
    return this.store.listRuns(q);
  }

  getRunDetail(runId: string): RunDetail {
    const run = this.store.requireRun(runId);
    return {
      run,
      params: this.store.getParams(run.id),
      tags: this.store.getTags(run.id),
      metrics: this.queries.getMetricSummaries(run.id),
      artifacts: this.store.listArtifacts(run.id),
      report: this.store.getEvaluation(run.id),
    };
  }

  listMetricKeys(runId: string): string[] {
    return this.queries.listMetricKeys(this.store.requireRun(runId).id);
  }

  getMetricSeries(runId: string, key: string, maxPoints = 2000): MetricPoint[] {
    return this.queries.getMetricSeries(this.store.requireRun(runId).id, key, maxPoints);
  }

  /** One recorded artifact's bytes (base64), for download from run detail. */
  readRunArtifact(runId: string, path: string): ArtifactContent {
    const run = this.store.requireRun(runId);
    return readRunArtifact(runArtifactsDir(this.paths, run.id), this.store.listArtifacts(run.id), path);
  }

  /** The downloadable files of one recorded artifact (a folder artifact such as `model` lists its files). */
  listRunArtifactFiles(runId: string, path: string): { path: string; bytes: number }[] {
    const run = this.store.requireRun(runId);
    return listArtifactFiles(runArtifactsDir(this.paths, run.id), this.store.listArtifacts(run.id), path);
  }

  /** Renames a run (the table and detail edit names inline); the name is a label, never an id. */
  renameRun(runId: string, name: string): void {
    this.store.updateRun(this.store.requireRun(runId).id, { name: cleanRunName(name) });
  }

  setRunNotes(runId: string, notes: string): void {
    this.store.updateRun(this.store.requireRun(runId).id, { notes });
  }

  setRunTags(runId: string, tags: Record<string, string>): void {
    this.store.setTags(this.store.requireRun(runId).id, tags);
  }

  deleteRun(runId: string): void {
    const run = this.store.requireRun(runId);
    if (this.runs.runningIds().includes(run.id)) throw new LaminaError('conflict', `run ${run.id} is still running; cancel it first`);
    // Nested runs (ensemble members, sweep trials) belong to their parent and go with it.
    for (const id of [run.id, ...this.store.descendantRunIds(run.id)]) {
      this.store.deleteRun(id);
      rmSync(join(this.paths.artifacts, id), { recursive: true, force: true });
    }
  }

  exportRun(runId: string, format: 'json' | 'csv'): string {
    return format === 'csv'
      ? exportRunCsv(this.store, this.queries, runId)
      : JSON.stringify(exportRunJson(this.store, this.queries, runId), null, 2);
  }

  replayRun(runId: string, opts: { tolerance?: number } = {}): Promise<ReplayResult> {
    return replayRun({ store: this.store, queries: this.queries, runs: this.runs, paths: this.paths }, runId, opts);
  }

  // ---- explanations (explain/explainService.ts) ------------------------------------

  /** Attributions for a completed run's model, computed in a host process and stored as artifacts. */
  explainRun(runId: string, req: ExplainRequest = {}, opts: ExplainCallOptions = {}): Promise<ExplainResult> {
    return this.explainer.explain(runId, req, opts);
  }

  listExplanations(runId: string): ExplainResult[] {
    return this.explainer.list(runId);
  }

  explanationFile(runId: string, path: string): Buffer {
    return this.explainer.readFile(runId, path);
  }

  // ---- plugins ---------------------------------------------------------------------

  /** Every discovered plugin with its state (re-scans the plugin folders; runs no plugin code). */
  listPlugins(): PluginInfo[] {
    return this.plugins.refresh();
  }

  /**
   * Loads each enabled plugin's code in a host process (never here) and disables the ones that
   * throw, recording why. Returns the refreshed list.
   */
  async checkPlugins(ids?: string[]): Promise<PluginInfo[]> {
    this.plugins.refresh();
    const refs = this.plugins.active().filter((p) => !ids || ids.includes(p.manifest.id)).map((p) => this.plugins.ref(p)).filter((r) => r !== null);
    for (const r of await this.pluginHost.probe(refs)) if (!r.ok) this.plugins.recordFailure(r.id, 'load', r.error ?? 'failed to load');
    return this.plugins.list();
  }

  /** Validates a plugin folder without installing it (runs no plugin code). */
  validatePlugin(dir: string): PluginManifest {
    return readPluginManifest(dir);
  }

  /** Copies a folder or .tgz into <workspace>/plugins/<id>, then checks its code loads. */
  async installPlugin(source: string): Promise<PluginInfo> {
    const manifest = this.plugins.install(source, this.paths.plugins, this.paths.tmp);
    await this.checkPlugins([manifest.id]);
    return this.plugins.get(manifest.id);
  }

  async setPluginEnabled(id: string, enabled: boolean): Promise<PluginInfo> {
    this.plugins.setEnabled(id, enabled);
    if (enabled) await this.checkPlugins([id]);
    return this.plugins.get(id);
  }

  /**
   * Run a command an enabled plugin contributes, in a host process. A command that throws
   * disables its plugin (as any plugin failure does) and fails with the plugin named.
   */
  async runPluginCommand(pluginId: string, commandId: string, args: Record<string, unknown> = {}, runId?: string): Promise<{ pluginId: string; commandId: string; result: unknown }> {
    const active = this.plugins.active().find((p) => p.manifest.id === pluginId);
    if (!active) {
      const info = this.plugins.get(pluginId); // not-found when it is not installed at all
      if (info.restricted) throw restrictedError(this.paths.root, `plugin "${pluginId}"`);
      if (info.consent === 'required') throw new LaminaError('conflict', `plugin "${pluginId}" has not been enabled: enable it first (lamina plugin enable ${pluginId}; it runs Node.js code with your user rights)`, { field: 'pluginId' });
      throw new LaminaError('conflict', `plugin "${pluginId}" is disabled${info.error ? ` (${info.error})` : ''}; enable it first`, { field: 'pluginId' });
    }
    const declared = active.manifest.contributes.commands.map((c) => c.id);
    if (!declared.includes(commandId)) {
      throw notFound(`plugin "${pluginId}" has no command "${commandId}"; its commands: ${declared.join(', ') || 'none'}`);
    }
    const ref = this.plugins.ref(active)!; // manifests that declare commands must have a main
    const runArg = active.manifest.contributes.commands.find((c) => c.id === commandId)?.runArg;
    const runRef = commandRunId(runId, runArg, args);
    const r = await this.pluginHost.runCommand(ref, commandId, args, runRef === null ? undefined : this.commandRunRecord(runRef));
    for (const e of r.pluginErrors) this.plugins.recordFailure(e.pluginId, e.phase, e.message);
    if (!r.answer && r.errorDetail?.reason === 'data') throw inputError(r.error ?? 'bad arguments', { field: 'args' });
    if (!r.answer) throw new LaminaError('failed', r.error ?? `plugin "${pluginId}" command "${commandId}" gave no answer`);
    return { pluginId, commandId, result: r.answer.result };
  }

  /** What a plugin command sees of a run (plugin API 1.2): its record, final metrics and recorded artifacts. */
  private commandRunRecord(idOrPrefix: string): CommandRunRecord {
    const run = this.store.requireRun(idOrPrefix);
    const metrics = Object.fromEntries(this.queries.getMetricSummaries(run.id).map((m) => [m.key, m.last]));
    return {
      id: run.id, name: run.name, status: run.status, trainer: run.config.trainer ?? null, datasetId: run.datasetId,
      params: this.store.getParams(run.id), metrics, artifactsDir: runArtifactsDir(this.paths, run.id),
      artifacts: this.store.listArtifacts(run.id).map((a) => ({ path: a.path, kind: a.kind, bytes: a.bytes })),
    };
  }

  /** Views of enabled plugins for a place in the UI (e.g. the run detail page). */
  listPluginViews(location = 'run-detail'): { pluginId: string; viewId: string; title: string; location: string; importers?: string[] }[] {
    return this.plugins.views(location);
  }

  /** A view as one HTML document for `<iframe sandbox="allow-scripts" srcdoc>`; see plugins/views.ts. */
  getPluginView(pluginId: string, viewId: string): { pluginId: string; viewId: string; title: string; html: string } {
    const found = this.plugins.views(null).find((v) => v.pluginId === pluginId && v.viewId === viewId);
    if (!found) throw notFound(`no view "${viewId}" in an enabled plugin "${pluginId}"`);
    const view = { pluginId: found.pluginId, viewId: found.viewId, title: found.title };
    const p = this.plugins.active().find((x) => x.manifest.id === pluginId)!;
    return { ...view, html: viewDocument({ pluginDir: p.record.path, renderer: p.manifest.renderer!, title: view.title }) };
  }

  // ---- sweeps (the API's sweeps.*; the CLI uses this.sweeps directly) ----------------

  listSweeps(): SweepView[] {
    return this.sweeps.list();
  }
  getSweep(id: string): SweepView {
    return this.sweeps.view(id);
  }
  createSweep(spec: string): SweepView {
    return this.sweeps.create(spec);
  }
  startSweep(id: string, parallel?: number): SweepView {
    return this.sweeps.start(id, { parallel });
  }
  stopSweep(id: string): SweepView {
    return this.sweeps.stop(id);
  }

  /** Stops running hosts (recording them cancelled/failed), flushes metrics, closes the database. */
  async shutdown(): Promise<void> {
    await this.sweeps.stopAll();
    await this.runs.stopAll();
    this.close();
  }

  /**
   * Start a host now (TF.js and its backend loaded) for the next run or model check: 'once' for a
   * command that runs one job, 'always' to replace it after each use. The job's seed still arrives
   * with the job. LAMINA_WARM_HOST=0 turns it off.
   */
  keepHostWarm(mode: WarmHostMode): void {
    if (!this.closed) this.engine.keepHostWarm(mode);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.close();
    try {
      this.metrics.close();
    } catch (err) {
      // Points that cannot be written (disk full …) are lost either way; closing must not turn into a stack.
      if (!storageErrorCode(err)) throw err;
    } finally {
      this.db.close();
    }
  }
}
