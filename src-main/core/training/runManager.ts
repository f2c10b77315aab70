/**
 * A run's life on the core side: create its row, start a training host, record what the
 * host reports (backend, model, metrics, artifacts), and record exactly one ending —
 * completed, cancelled, failed (error, NaN, crash or kill). Several runs may train at once.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DatasetMeta, MetricPoint, RunRecord, TrainDefaults } from '../domain';
import type { CoreEvent, TrainRequest } from '../service';
import type { EngineClient, HostJob } from '../engine/engineClient';
import { describeCrash, killAfter } from '../engine/engineClient';
import type { HostToCoreMessage, StartTrainingMessage } from '../engine/protocol';
import type { RunStore } from '../store/runStore';
import type { MetricWriter } from '../store/metricWriter';
import type { WorkspacePaths } from '../workspace/workspace';
import { runArtifactsDir } from '../workspace/workspace';
import { sha256 } from '../util/hash';
import { LaminaError, notFound } from '../util/errors';
import { configAsParams, resolveTrainConfig } from './trainConfig';
import { readableRunName } from '../runs/runNames';
import { storageErrorCode, storageErrorMessage } from '../util/storageErrors';
import { listFiles } from '../util/listFiles';

export interface ResolvedModel {
  name: string;
  source: string;
  /** Epochs/batch size a template suggests; a request's own values win. */
  defaults?: TrainDefaults;
}

export interface RunManagerDeps {
  store: RunStore;
  metrics: MetricWriter;
  paths: WorkspacePaths;
  engine: EngineClient;
  emit: (e: CoreEvent) => void;
  resolveModel: (model: string, modelName?: string) => ResolvedModel;
  /** How long a cancelled run's host may take to stop before it is killed (default CANCEL_GRACE_MS). */
  cancelGraceMs?: number;
}

interface ActiveRun {
  job: HostJob;
  /** When the progress column was last written (writes are throttled to about one a second). */
  progressWrittenAt?: number;
  /** The first progress report (time, batches done): the ETA's rate is measured from here. */
  firstProgress?: { at: number; done: number };
  finished: Promise<RunRecord>;
  startedAt: number;
  /** Set by a cancel: kills the host if it has not stopped within the grace period. */
  cancelDeadline?: ReturnType<typeof killAfter>;
  /** Set when its metrics could not be written (disk full, read-only, I/O error): the host was stopped. */
  storageError?: unknown;
}

/**
 * The host stops at the next batch after a cancel. Code that never gets there (a model source
 * stuck in a loop, one batch that takes minutes) is killed after this long.
 */
export const CANCEL_GRACE_MS = 10_000;

export const DEFAULT_EXPERIMENT = 'Default';

/** How often an owner writes a run's progress for other processes, and looks for cancels they asked for. */
export const RUN_CONTROL_INTERVAL_MS = 1000;

export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  private controlTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: RunManagerDeps) {}

  /** While runs are active: honour cancels that other Lamina processes asked for through the store. */
  private watchCancelRequests(): void {
    if (this.controlTimer) return;
    this.controlTimer = setInterval(() => {
      if (this.active.size === 0) {
        clearInterval(this.controlTimer!);
        this.controlTimer = null;
        return;
      }
      try {
        for (const id of this.deps.store.cancelRequested([...this.active.keys()])) {
          const a = this.active.get(id);
          if (a && !a.cancelDeadline) this.cancel(id);
        }
      } catch {
        /* a busy or closing database: try again next tick */
      }
    }, RUN_CONTROL_INTERVAL_MS);
    this.controlTimer.unref?.();
  }

  /** Creates the run and starts its host; resolves before training ends. */
  async start(req: TrainRequest, extra: { replayOf?: string; parentRunId?: string } = {}): Promise<RunRecord> {
    const { store, paths } = this.deps;
    const dataset = store.requireDataset(req.dataset);
    const model = this.deps.resolveModel(req.model, req.modelName);
    const config = resolveTrainConfig({ ...model.defaults, ...definedOnly(req.config ?? {}) });
    const resume = req.resumeFrom ? this.findCheckpoint(req.resumeFrom) : undefined;

    const id = randomUUID().replace(/-/g, '');
    const experiment = req.experiment ?? DEFAULT_EXPERIMENT;
    store.ensureExperiment(experiment);
    const now = new Date().toISOString();
    const run = store.createRun({
      id,
      experiment,
      name: req.runName ?? readableRunName(id, store.countRuns() + 1),
      status: 'running',
      seed: config.seed,
      backend: null,
      backendReason: null,
      modelName: model.name,
      source: model.source,
      sourceHash: sha256(model.source),
      topology: null,
      datasetId: dataset.id,
      datasetHash: dataset.hash,
      config,
      startedAt: now,
      endedAt: null,
      durationMs: null,
      error: null,
      errorStack: null,
      parentRunId: extra.parentRunId ?? null,
      replayOf: extra.replayOf ?? null,
      resumedFrom: resume ? resume.runId : null,
      notes: '',
      ownerPid: process.pid,
    });
    store.setParams(id, { model: model.name, dataset: dataset.name, ...configAsParams(config) });
    if (req.tags && Object.keys(req.tags).length) store.setTags(id, req.tags);

    const artifactsDir = runArtifactsDir(paths, id);
    mkdirSync(artifactsDir, { recursive: true });
    const start: StartTrainingMessage = {
      type: 'start',
      runId: id,
      source: model.source,
      dataset,
      datasetFile: join(paths.root, dataset.file),
      config,
      artifactsDir,
      ...(resume ? { resume: { checkpointDir: resume.dir } } : {}),
    };
    const startedAt = Date.now();
    const job = this.deps.engine.run(start, (m) => this.onHostMessage(id, artifactsDir, startedAt, m));
    store.updateRun(id, { hostPid: job.pid ?? null });
    const finished = job.outcome.then((outcome) => this.finish(id, startedAt, outcome));
    this.active.set(id, { job, finished, startedAt });
    finished.finally(() => this.active.delete(id)).catch(() => {});
    this.watchCancelRequests();
    this.deps.emit({ type: 'run.started', runId: id });
    return run;
  }

  /** Resolves with the final record once the run has ended (at once if it already has). */
  async wait(runId: string): Promise<RunRecord> {
    const active = this.active.get(runId);
    if (active) return active.finished;
    return this.deps.store.requireRun(runId);
  }

  /**
   * Cancels a run. One this process started stops here; one that another Lamina process owns
   * (the CLI, another app window's core, a worker) is asked through the store, and its owner stops it.
   */
  cancel(runId: string): void {
    const run = this.deps.store.requireRun(runId);
    const active = this.active.get(run.id);
    if (!active) {
      if (this.deps.store.requestCancel(run.id)) return;
      throw new LaminaError('conflict', `run ${runId} is not running`);
    }
    active.job.cancel();
    // Asked already: the first grace period runs on.
    active.cancelDeadline ??= killAfter(active.job, this.deps.cancelGraceMs ?? CANCEL_GRACE_MS);
  }

  /**
   * The metric writer could not write (disk full, SQLITE_FULL, SQLITE_IOERR, a read-only database):
   * every run training here is stopped now rather than training on with metrics nobody can keep, and
   * ends `failed` with the reason. Other errors (points of a deleted run) are not storage failures.
   */
  storageFailed(err: unknown): void {
    if (!storageErrorCode(err)) return;
    for (const a of this.active.values()) {
      if (a.storageError) continue;
      a.storageError = err;
      a.job.kill();
    }
  }

  /** For tests and `kill`: the host's process id of a running run. */
  hostPid(runId: string): number | undefined {
    return this.active.get(runId)?.job.pid;
  }

  runningIds(): string[] {
    return [...this.active.keys()];
  }

  /** Cancel everything still running and wait for it to be recorded (used on shutdown). */
  async stopAll(): Promise<void> {
    const all = [...this.active.values()];
    for (const a of all) a.job.cancel();
    const timeout = new Promise<void>((r) => setTimeout(r, 5000).unref());
    await Promise.race([Promise.allSettled(all.map((a) => a.finished)), timeout]);
    for (const a of this.active.values()) a.job.kill();
    await Promise.allSettled(all.map((a) => a.finished));
  }

  private onHostMessage(runId: string, artifactsDir: string, startedAt: number, m: HostToCoreMessage): void {
    const { store, metrics, emit } = this.deps;
    switch (m.type) {
      case 'backend':
        store.updateRun(runId, { backend: m.backend, backendReason: m.reason });
        emit({ type: 'run.backend', runId, backend: m.backend, reason: m.reason });
        break;
      case 'model':
        store.updateRun(runId, { topology: m.topology });
        store.setParams(
          runId,
          Object.fromEntries(Object.entries(m.resolvedParams).map(([k, v]) => [k, String(v)])),
        );
        break;
      case 'metrics':
        metrics.write(runId, m.points);
        emit({ type: 'run.metrics', runId, points: m.points });
        break;
      case 'progress': {
        const total = m.epochs * m.batches;
        const done = (m.epoch - 1) * m.batches + m.batch;
        const etaMs = this.eta(runId, done, total);
        emit({ type: 'run.progress', runId, epoch: m.epoch, epochs: m.epochs, batch: m.batch, batches: m.batches, loss: m.loss, etaMs });
        const a = this.active.get(runId);
        const now = Date.now();
        if (a && (a.progressWrittenAt === undefined || now - a.progressWrittenAt >= RUN_CONTROL_INTERVAL_MS || done >= total)) {
          a.progressWrittenAt = now;
          store.setRunProgress(runId, { epoch: m.epoch, epochs: m.epochs, batch: m.batch, batches: m.batches, loss: m.loss, etaMs, updatedAt: now });
        }
        break;
      }
      case 'artifact':
        this.recordArtifact(runId, artifactsDir, m.path, m.kind);
        break;
      default:
        break;
    }
  }

  /**
   * Time left at the rate measured since the first batch reported: the host's start (loading
   * TensorFlow.js, the dataset, building the model) is not a per-batch cost, so counting it made a
   * one-minute run start at "18 min left". Unknown until a second report gives a rate.
   */
  private eta(runId: string, done: number, total: number): number | null {
    if (done >= total) return 0;
    const a = this.active.get(runId);
    if (!a) return null;
    const now = Date.now();
    if (!a.firstProgress) {
      a.firstProgress = { at: now, done };
      return null;
    }
    const batches = done - a.firstProgress.done;
    const ms = now - a.firstProgress.at;
    return batches > 0 && ms > 0 ? Math.round((ms / batches) * (total - done)) : null;
  }

  private recordArtifact(runId: string, artifactsDir: string, path: string, kind: string): void {
    const full = join(artifactsDir, path);
    if (!existsSync(full)) return;
    const files = statSync(full).isDirectory() ? listFiles(full) : [full];
    for (const file of files) {
      const bytes = readFileSync(file);
      this.deps.store.addArtifact({
        runId,
        path: relative(artifactsDir, file).split('\\').join('/'),
        kind,
        bytes: bytes.length,
        sha256: sha256(bytes),
        createdAt: new Date().toISOString(),
      });
    }
  }

  /**
   * Records the run's ending. When storage fails — the flush that follows the last metrics, or one
   * during training — the run still ends: `failed` with the storage reason; the points that cannot be
   * written are dropped and everything already committed stays.
   */
  private finish(runId: string, startedAt: number, outcome: Awaited<HostJob['outcome']>): RunRecord {
    const storageError = this.active.get(runId)?.storageError;
    try {
      if (storageError) throw storageError;
      return this.recordEnding(runId, startedAt, outcome);
    } catch (err) {
      const reason = storageErrorMessage(err);
      if (!reason) throw err;
      return this.recordStorageFailure(runId, startedAt, reason);
    }
  }

  private recordStorageFailure(runId: string, startedAt: number, reason: string): RunRecord {
    const { store, metrics } = this.deps;
    metrics.discard(runId);
    const endedAt = new Date();
    const error = `training stopped: its metrics could not be saved: ${reason}`;
    const ending = { status: 'failed' as const, error, endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt };
    try {
      // Progress first: clearing it shrinks the run's row, so on a full disk the status fits where it was.
      store.setRunProgress(runId, null);
      store.updateRun(runId, ending);
    } catch {
      // Not even the status could be written. The run's owner lease lets the next Lamina process that
      // opens the workspace fail it once this one has exited; callers here are told the truth.
    }
    this.deps.emit({ type: 'run.finished', runId, status: 'failed', error });
    let record: RunRecord;
    try {
      record = this.deps.store.requireRun(runId);
    } catch {
      throw new LaminaError('failed', error);
    }
    return record.status === 'failed' ? record : { ...record, ...ending };
  }

  private recordEnding(runId: string, startedAt: number, outcome: Awaited<HostJob['outcome']>): RunRecord {
    const { store, metrics } = this.deps;
    const deadline = this.active.get(runId)?.cancelDeadline;
    const endedAt = new Date();
    const timing = { endedAt: endedAt.toISOString(), durationMs: endedAt.getTime() - startedAt };
    if (outcome.kind === 'done') {
      const d = outcome.message;
      const step = d.epochsRun;
      const points: MetricPoint[] = Object.entries(d.testMetrics).map(([key, value]) => ({
        key,
        step,
        epoch: step,
        value,
        time: endedAt.getTime(),
      }));
      if (points.length) metrics.write(runId, points);
      metrics.flush();
      if (d.report) store.saveEvaluation(runId, d.report);
      if (d.stoppedEarly) store.setTags(runId, { stopped_early: 'true' });
      store.updateRun(runId, { status: d.status, ...timing });
    } else {
      metrics.flush();
      let error: string;
      let stack: string | null = null;
      if (outcome.kind === 'error') {
        error = outcome.message.message;
        stack = outcome.message.stack ?? null;
        store.setTags(runId, { failure: outcome.message.reason });
      } else if (outcome.kind === 'crashed' && deadline?.killed()) {
        // Not a failure: the user asked it to stop, and it would not.
        store.updateRun(runId, { status: 'cancelled', error: `the training host did not stop within ${deadline.ms / 1000} s of the cancel and was killed`, ...timing });
        return this.finished(runId);
      } else if (outcome.kind === 'crashed') {
        error = describeCrash(outcome);
        store.setTags(runId, { failure: 'crash' });
      } else {
        error = `training host answered an inspect request instead of training`;
      }
      store.updateRun(runId, { status: 'failed', error, errorStack: stack, ...timing });
    }
    return this.finished(runId);
  }

  private finished(runId: string): RunRecord {
    const final = this.deps.store.requireRun(runId);
    this.deps.emit({ type: 'run.finished', runId, status: final.status, error: final.error });
    return final;
  }

  /** The newest checkpoint folder of a run, for resume. */
  private findCheckpoint(runRef: string): { runId: string; dir: string } {
    const run = this.deps.store.requireRun(runRef);
    const base = join(runArtifactsDir(this.deps.paths, run.id), 'checkpoints');
    // A checkpoint is complete once its state.json exists (written last, atomically): a host killed
    // while writing one leaves a folder without it, and the previous checkpoint is used.
    const dirs = existsSync(base) ? readdirSync(base).filter((d) => d.startsWith('epoch-') && existsSync(join(base, d, 'state.json'))).sort() : [];
    if (!dirs.length) throw notFound(`run ${run.id} has no checkpoint to resume from (train it with checkpointEvery > 0)`);
    return { runId: run.id, dir: join(base, dirs[dirs.length - 1]) };
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type { DatasetMeta };
