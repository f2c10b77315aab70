/**
 * Sweeps as the facade offers them: create from spec text, list, show, run (here, through a
 * TrialExecutor), start in the background (the lab's Start button), stop. The sweep's own run is a
 * parent run in the ordinary runs table (model "sweep", source = the spec); every trial is its child.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import type { RunRecord } from '../domain';
import type { RunStore } from '../store/runStore';
import type { MetricQueries } from '../store/metricQueries';
import type { openDatabase } from '../store/database';
import { sha256 } from '../util/hash';
import { LaminaError, inputError } from '../util/errors';
import { resolveTrainConfig } from '../training/trainConfig';
import { DEFAULT_EXPERIMENT } from '../training/runManager';
import { parseSweepSpecText, type SweepSpec } from './spec';
import { enumerateGrid } from './sampling';
import { SweepStore, type SweepRecord, type TrialRecord, type SweepStatus, type TrialStatus } from './sweepStore';
import { SweepRunner, bestTrial, type RunSweepOptions } from './sweepRunner';
import type { TrialExecutor } from './trialExecutor';
import type { ResolvedSweepModel } from './trialRequest';
import { parameterImportance, type ParamImportance } from './importance';

export interface SweepTrialView {
  idx: number;
  run: string | null;
  status: TrialStatus;
  params: Record<string, string | number | boolean>;
  metric: number | null;
  reason: string | null;
  attempt: number;
}

export interface SweepView {
  id: string;
  name: string;
  status: SweepStatus;
  method: SweepSpec['method'];
  metric: SweepSpec['metric'];
  runId: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** How many trials it will run in all (null: until the time budget). */
  planned: number | null;
  trials: SweepTrialView[];
  best: SweepTrialView | null;
  /** Correlation of each parameter with the metric (importance.ts says how). */
  importance: ParamImportance[];
  /** The checked spec (a model file's stored source left out). */
  spec: Record<string, unknown>;
}

export interface SweepServiceDeps {
  db: ReturnType<typeof openDatabase>;
  store: RunStore;
  queries: MetricQueries;
  /** Model files and saved models are read at create time, so a sweep trains the same source to the end. */
  listTemplateIds(): string[];
  listSavedModels(): string[];
  isAlive(pid: number): boolean;
  /** The executor used when a caller names none (LocalTrialExecutor over the facade). */
  localExecutor(): TrialExecutor;
}

/** Spec as stored: a model FILE's source is kept in it (`model_source`), so the file may change or go. */
type StoredSpec = SweepSpec & { model_source?: string; model_name?: string };

const trialView = (t: TrialRecord): SweepTrialView => ({
  idx: t.idx,
  run: t.runId,
  status: t.status,
  params: t.params,
  metric: t.metric,
  reason: t.reason,
  attempt: t.attempt,
});

export class SweepService {
  readonly sweeps: SweepStore;
  /** Sweeps this process runs in the background (started through the API), by id. */
  private readonly background = new Map<string, { abort: AbortController; done: Promise<SweepRecord> }>();

  constructor(private readonly deps: SweepServiceDeps) {
    this.sweeps = new SweepStore(deps.db);
  }

  /** Checks the spec (and that its dataset and model exist) and records the sweep; nothing trains yet. */
  create(specText: string, opts: { file?: string; baseDir?: string } = {}): SweepView {
    const spec: StoredSpec = parseSweepSpecText(specText, opts.file);
    this.deps.store.requireDataset(spec.dataset);
    if (spec.model) {
      if (spec.model.startsWith('template:')) {
        const id = spec.model.slice('template:'.length);
        if (!this.deps.listTemplateIds().includes(id)) throw inputError(`sweep spec: no template "${id}" (see lamina templates)`, { field: 'model' });
      } else if (!this.deps.listSavedModels().includes(spec.model)) {
        const file = isAbsolute(spec.model) ? spec.model : resolve(opts.baseDir ?? process.cwd(), spec.model);
        if (!existsSync(file) || !statSync(file).isFile()) {
          throw inputError(`sweep spec: model "${spec.model}" is not template:ID, a saved model or a file (looked for ${file})`, { field: 'model' });
        }
        spec.model_source = readFileSync(file, 'utf8');
        spec.model_name = basename(file).replace(/\.(ts|js|mjs|cjs)$/, '');
      }
    }
    let trials: Record<string, string | number | boolean>[] = [];
    if (spec.method === 'grid') {
      trials = enumerateGrid(spec);
      if (spec.run_cap !== undefined) trials = trials.slice(0, spec.run_cap);
    }
    const id = randomUUID().replace(/-/g, '').slice(0, 12);
    const name = spec.name ?? `sweep-${id.slice(0, 6)}`;
    this.sweeps.create({ id, name, spec, specText }, trials);
    return this.view(id);
  }

  list(): SweepView[] {
    return this.sweeps.list().map((s) => this.viewOf(s));
  }

  view(ref: string): SweepView {
    return this.viewOf(this.sweeps.require(ref));
  }

  private viewOf(s: SweepRecord): SweepView {
    const trials = this.sweeps.trials(s.id);
    const best = bestTrial(s, trials);
    const firstAttempts = trials.filter((t) => t.attempt === 1).length;
    const planned = s.spec.method === 'grid' ? firstAttempts : (s.spec.run_cap ?? null);
    return {
      id: s.id,
      name: s.name,
      status: s.status,
      method: s.spec.method,
      metric: s.spec.metric,
      runId: s.runId,
      createdAt: s.createdAt,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      planned,
      trials: trials.map(trialView),
      best: best ? trialView(best) : null,
      importance: parameterImportance(trials.filter((t) => t.status !== 'cut_off')),
      spec: Object.fromEntries(Object.entries(s.spec).filter(([k]) => k !== 'model_source')),
    };
  }

  /** Runs the sweep in this process until it ends (or is stopped); resumes one that was cut off. */
  async run(ref: string, opts: RunSweepOptions & { executor?: TrialExecutor; log?: (line: string) => void } = {}): Promise<SweepView> {
    const sweep = this.sweeps.require(ref);
    const spec = sweep.spec as StoredSpec;
    const model: ResolvedSweepModel | null = spec.model_source
      ? { model: spec.model_source, modelName: spec.model_name }
      : spec.model
        ? { model: spec.model }
        : null;
    const runner = new SweepRunner({
      sweeps: this.sweeps,
      executor: opts.executor ?? this.deps.localExecutor(),
      openParentRun: (s) => this.openParentRun(s),
      closeParentRun: (runId, status, best, error) => this.closeParentRun(runId, status, best, error),
      metricValue: (runId, key) => this.deps.queries.getMetricSummaries(runId).find((m) => m.key === key)?.last ?? null,
      runStatus: (runId) => this.deps.store.getRun(runId)?.status ?? null,
      parentCancelRequested: (runId) => this.deps.store.cancelRequested([runId]).length > 0,
      isAlive: this.deps.isAlive,
      model,
      experiment: spec.experiment ?? DEFAULT_EXPERIMENT,
      log: opts.log,
    });
    const done = await runner.run(sweep.id, opts);
    return this.viewOf(done);
  }

  /** Starts the sweep in the background of this process (the lab); returns at once. */
  start(ref: string, opts: { parallel?: number } = {}): SweepView {
    const sweep = this.sweeps.require(ref);
    if (this.background.has(sweep.id)) throw new LaminaError('conflict', `sweep ${sweep.id} is already running here`);
    const abort = new AbortController();
    const done = this.run(sweep.id, { parallel: opts.parallel, signal: abort.signal }).then(
      () => this.sweeps.require(sweep.id),
      () => this.sweeps.require(sweep.id),
    );
    this.background.set(sweep.id, { abort, done });
    void done.finally(() => this.background.delete(sweep.id));
    return this.view(sweep.id);
  }

  /**
   * Stops a sweep: one this process runs stops here; one another process runs is asked through the
   * store (its runner polls); one nobody runs is marked stopped.
   */
  stop(ref: string): SweepView {
    const sweep = this.sweeps.require(ref);
    if (sweep.status === 'finished' || sweep.status === 'stopped') return this.viewOf(sweep);
    const here = this.background.get(sweep.id);
    if (here) here.abort.abort('the sweep was stopped');
    else if (sweep.status === 'running' && sweep.ownerPid !== null && this.deps.isAlive(sweep.ownerPid)) {
      this.sweeps.update(sweep.id, { stopRequestedAt: new Date().toISOString() });
    } else {
      this.sweeps.update(sweep.id, { status: 'stopped', ownerPid: null, endedAt: new Date().toISOString() });
    }
    return this.view(sweep.id);
  }

  /** Waits for background sweeps (shutdown). */
  async stopAll(): Promise<void> {
    for (const b of this.background.values()) b.abort.abort('Lamina is shutting down');
    await Promise.allSettled([...this.background.values()].map((b) => b.done));
  }

  private openParentRun(s: SweepRecord): string {
    const { store } = this.deps;
    if (s.runId && store.getRun(s.runId)) {
      store.updateRun(s.runId, { status: 'running', error: null, endedAt: null, durationMs: null, ownerPid: process.pid });
      // A cancel of the sweep's run stopped it last time; resuming starts afresh.
      this.deps.db.prepare(`UPDATE runs SET cancel_requested_at = NULL WHERE id = ?`).run(s.runId);
      return s.runId;
    }
    const dataset = store.requireDataset(s.spec.dataset);
    const id = randomUUID().replace(/-/g, '');
    const experiment = s.spec.experiment ?? DEFAULT_EXPERIMENT;
    store.ensureExperiment(experiment);
    store.createRun({
      id,
      experiment,
      name: s.name,
      status: 'running',
      seed: s.spec.seed,
      modelName: 'sweep',
      source: s.specText,
      sourceHash: sha256(s.specText),
      datasetId: dataset.id,
      datasetHash: dataset.hash,
      config: resolveTrainConfig({ seed: s.spec.seed }),
      startedAt: new Date().toISOString(),
      ownerPid: process.pid,
    });
    store.setParams(id, { sweep_method: s.spec.method, sweep_metric: s.spec.metric.name, sweep_goal: s.spec.metric.goal });
    store.setTags(id, { sweep: s.id, kind: 'sweep' });
    return id;
  }

  private closeParentRun(runId: string, status: RunRecord['status'], best: TrialRecord | null, error?: string): void {
    const { store } = this.deps;
    const run = store.getRun(runId);
    if (!run) return;
    const endedAt = new Date();
    const startedAt = run.startedAt ? Date.parse(run.startedAt) : endedAt.getTime();
    if (best?.runId) store.setTags(runId, { best_trial: String(best.idx), best_run: best.runId, best_metric: String(best.metric) });
    store.updateRun(runId, { status, error: error ?? null, endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt });
  }
}
