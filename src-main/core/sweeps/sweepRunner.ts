/**
 * Drives one sweep in this process: claims it (one owner at a time), recovers trials a dead process
 * cut off (marked `cut_off`, re-queued once as attempt 2), then keeps up to `parallel` trials running
 * through a TrialExecutor until the grid, `run_cap` or `time_budget` is used up or a stop is asked for
 * (by this process's signal or, from another process, `stop_requested_at`). Early termination reads the
 * per-epoch metric points the executor streams and aborts a trial with the reason recorded on it.
 */
import type { RunRecord } from '../domain';
import type { SweepStore, SweepRecord, TrialRecord } from './sweepStore';
import type { TrialExecutor } from './trialExecutor';
import type { ResolvedSweepModel } from './trialRequest';
import { trialRequest } from './trialRequest';
import { earlyStopReason, type TrialSeries } from './earlyTerminate';
import { sampleParams, type Params } from './sampling';
import { tpePropose } from './tpe';
import { createRng } from '../util/random';
import { LaminaError } from '../util/errors';

export interface SweepRunnerDeps {
  sweeps: SweepStore;
  executor: TrialExecutor;
  /** Creates the sweep's own run (status running, owned by this process) or re-opens it on resume. */
  openParentRun(sweep: SweepRecord): string;
  /** Ends the sweep's run with a status and the best trial. */
  closeParentRun(runId: string, status: RunRecord['status'], best: TrialRecord | null, error?: string): void;
  /** Whether someone asked to cancel the sweep's own run (the Train page's Cancel): treated as a stop. */
  parentCancelRequested?(runId: string): boolean;
  /** Last recorded value of a run's metric, or null. */
  metricValue(runId: string, key: string): number | null;
  /** The run's status in the store (a trial cut off by a dead process is failed/interrupted there). */
  runStatus(runId: string): RunRecord['status'] | null;
  isAlive(pid: number): boolean;
  model: ResolvedSweepModel | null;
  experiment: string;
  log?: (line: string) => void;
}

export interface RunSweepOptions {
  parallel?: number;
  signal?: AbortSignal;
  /** How often a stop asked for by another process is looked for (ms). */
  pollMs?: number;
}

/** The seed of trial `idx`'s draw: fixed per index, so a resumed sweep draws what it would have. */
export function trialSeed(seed: number, idx: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(idx + 1, 0x85ebca6b)) >>> 0;
}

export function bestTrial(sweep: Pick<SweepRecord, 'spec'>, trials: TrialRecord[]): TrialRecord | null {
  const sign = sweep.spec.metric.goal === 'maximize' ? -1 : 1;
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.metric === null || !Number.isFinite(t.metric) || t.status === 'cut_off') continue;
    if (!best || sign * t.metric < sign * best.metric!) best = t;
  }
  return best;
}

/** How many trials the sweep may run in all (Infinity: only the time budget ends it). */
export function trialCap(sweep: SweepRecord, gridSize: number | null): number {
  const cap = sweep.spec.run_cap ?? Infinity;
  return gridSize === null ? cap : Math.min(cap, gridSize);
}

export class SweepRunner {
  constructor(private readonly deps: SweepRunnerDeps) {}

  async run(sweepRef: string, opts: RunSweepOptions = {}): Promise<SweepRecord> {
    const { sweeps } = this.deps;
    let sweep = sweeps.require(sweepRef);
    if (sweep.status === 'finished') throw new LaminaError('conflict', `sweep ${sweep.id} has already finished`);
    if (sweep.status === 'running' && sweep.ownerPid !== null && this.deps.isAlive(sweep.ownerPid)) {
      const where = sweep.ownerPid === process.pid ? 'this process' : `process ${sweep.ownerPid}`;
      throw new LaminaError('conflict', `sweep ${sweep.id} is already running in ${where}`);
    }
    const parallel = Math.max(1, Math.floor(opts.parallel ?? 1));
    const now = new Date().toISOString();
    const runId = this.deps.openParentRun(sweep);
    sweeps.update(sweep.id, { status: 'running', ownerPid: process.pid, runId, stopRequestedAt: null, startedAt: sweep.startedAt ?? now, endedAt: null });
    sweep = sweeps.require(sweep.id);
    this.recoverCutOff(sweep);

    const isGrid = sweep.spec.method === 'grid';
    const cap = trialCap(sweep, isGrid ? sweeps.trials(sweep.id).filter((t) => t.attempt === 1).length : null);
    const budgetMs = sweep.spec.time_budget !== undefined ? sweep.spec.time_budget * 1000 : Infinity;
    const sessionStart = Date.now();
    const usedBefore = sweep.budgetUsedMs;
    const used = () => usedBefore + (Date.now() - sessionStart);

    const active = new Map<number, { done: Promise<void>; abort: AbortController }>();
    const series = new Map<number, TrialSeries>();
    for (const t of sweeps.trials(sweep.id)) if (t.runId) series.set(t.idx, { id: String(t.idx), points: new Map() });
    let stopping: string | null = null;
    const stopAll = (why: string) => {
      if (stopping) return;
      stopping = why;
      for (const a of active.values()) a.abort.abort(why);
    };
    const onSignal = () => stopAll('the sweep was stopped');
    opts.signal?.addEventListener('abort', onSignal);
    if (opts.signal?.aborted) onSignal();
    const poll = setInterval(() => {
      try {
        sweeps.update(sweep.id, { budgetUsedMs: used() });
        if (sweeps.require(sweep.id).stopRequestedAt || this.deps.parentCancelRequested?.(runId)) stopAll('the sweep was stopped');
      } catch {
        /* busy database: next tick */
      }
    }, opts.pollMs ?? 1000);
    poll.unref?.();

    let failure: string | null = null;
    try {
      for (;;) {
        while (!stopping && active.size < parallel) {
          if (used() >= budgetMs) break;
          const trial = this.nextTrial(sweep, cap);
          if (!trial) break;
          const abort = new AbortController();
          const done = this.runTrial(sweep, runId, trial, abort.signal, series).finally(() => active.delete(trial.idx));
          active.set(trial.idx, { done, abort });
        }
        if (active.size === 0) break;
        await Promise.race([...active.values()].map((a) => a.done));
      }
    } catch (e) {
      failure = (e as Error).message;
      stopAll(`the sweep failed: ${failure}`);
      await Promise.allSettled([...active.values()].map((a) => a.done));
    } finally {
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onSignal);
    }
    const trials = sweeps.trials(sweep.id);
    const best = bestTrial(sweep, trials);
    const status = failure ? 'failed' : stopping ? 'stopped' : 'finished';
    sweeps.update(sweep.id, { status, ownerPid: null, budgetUsedMs: used(), endedAt: new Date().toISOString() });
    this.deps.closeParentRun(runId, failure ? 'failed' : stopping ? 'cancelled' : 'completed', best, failure ?? undefined);
    return sweeps.require(sweep.id);
  }

  /** Trials left `running` by a process that died: marked cut off, and run again once. */
  private recoverCutOff(sweep: SweepRecord): void {
    const { sweeps } = this.deps;
    const trials = sweeps.trials(sweep.id);
    let next = trials.reduce((m, t) => Math.max(m, t.idx), -1) + 1;
    for (const t of trials) {
      if (t.status !== 'running') continue;
      const runStatus = t.runId ? this.deps.runStatus(t.runId) : null;
      const reason = `cut off: the process running the sweep ended during the trial${t.runId ? ` (run ${t.runId} ${runStatus ?? 'missing'})` : ''}`;
      sweeps.updateTrial(sweep.id, t.idx, { status: 'cut_off', reason, endedAt: new Date().toISOString() });
      if (t.attempt < 2) {
        sweeps.addTrial(sweep.id, next++, t.params, t.attempt + 1);
        this.deps.log?.(`trial ${t.idx} was cut off; re-queued as trial ${next - 1}`);
      } else {
        this.deps.log?.(`trial ${t.idx} was cut off a second time; not re-queued`);
      }
    }
  }

  /** A pending trial, or a new one drawn by the sweep's method; null when the sweep has run its course. */
  private nextTrial(sweep: SweepRecord, cap: number): TrialRecord | null {
    const { sweeps } = this.deps;
    const trials = sweeps.trials(sweep.id);
    const pending = trials.find((t) => t.status === 'pending');
    // Cut-off trials do not count: their re-queued attempt does.
    const counted = trials.filter((t) => t.status !== 'cut_off' && t.status !== 'pending').length;
    if (counted >= cap) return null;
    if (pending) return pending;
    if (sweep.spec.method === 'grid') return null;
    const idx = trials.reduce((m, t) => Math.max(m, t.idx), -1) + 1;
    const rng = createRng(trialSeed(sweep.spec.seed, idx));
    let params: Params;
    if (sweep.spec.method === 'random') params = sampleParams(sweep.spec, rng);
    else {
      const sign = sweep.spec.metric.goal === 'maximize' ? -1 : 1;
      const history = trials.filter((t) => t.metric !== null && t.status !== 'cut_off').map((t) => ({ params: t.params, loss: sign * t.metric! }));
      params = tpePropose(sweep.spec, history, rng);
    }
    sweeps.addTrial(sweep.id, idx, params, 1);
    return sweeps.trials(sweep.id).find((t) => t.idx === idx)!;
  }

  private async runTrial(sweep: SweepRecord, parentRunId: string, trial: TrialRecord, signal: AbortSignal, series: Map<number, TrialSeries>): Promise<void> {
    const { sweeps, executor } = this.deps;
    const rule = sweep.spec.early_terminate;
    const mine: TrialSeries = { id: String(trial.idx), points: new Map() };
    series.set(trial.idx, mine);
    const abort = new AbortController();
    let earlyReason: string | null = null;
    const fromSweep = () => abort.abort(signal.reason);
    signal.addEventListener('abort', fromSweep);
    if (signal.aborted) fromSweep();
    const req = trialRequest(sweep.spec, this.deps.model, trial.params, { parentRunId, sweepId: sweep.id, idx: trial.idx, experiment: this.deps.experiment });
    sweeps.updateTrial(sweep.id, trial.idx, { status: 'running', reason: null });
    let final: RunRecord;
    try {
      final = await executor.run(req, {
        signal: abort.signal,
        onStarted: (run) => sweeps.updateTrial(sweep.id, trial.idx, { runId: run.id }),
        onMetric: (key, step, value) => {
          if (!rule || key !== rule.metric || earlyReason) return;
          mine.points.set(step, value);
          const why = earlyStopReason(rule, sweep.spec.metric.goal, mine, step, [...series.values()]);
          if (why) {
            earlyReason = why;
            this.deps.log?.(`trial ${trial.idx}: ${why}`);
            abort.abort(why);
          }
        },
      });
    } catch (e) {
      signal.removeEventListener('abort', fromSweep);
      sweeps.updateTrial(sweep.id, trial.idx, { status: 'failed', reason: (e as Error).message, endedAt: new Date().toISOString() });
      if (e instanceof LaminaError && (e.kind === 'input' || e.kind === 'usage' || e.kind === 'not-found')) throw e;
      return;
    }
    signal.removeEventListener('abort', fromSweep);
    sweeps.updateTrial(sweep.id, trial.idx, { runId: final.id });
    const metricKey = sweep.spec.metric.name;
    let metric = this.deps.metricValue(final.id, metricKey);
    // A trial stopped early has no test metrics: judge it on its last epoch metric if that is the sweep metric's own.
    if (metric === null && earlyReason && rule && rule.metric === metricKey) metric = this.deps.metricValue(final.id, rule.metric);
    const status = final.status === 'completed' ? 'completed' : final.status === 'cancelled' ? (earlyReason ? 'stopped_early' : 'cancelled') : 'failed';
    const reason = earlyReason ?? (status === 'cancelled' ? String(signal.reason ?? 'cancelled') : final.error);
    sweeps.updateTrial(sweep.id, trial.idx, { status, metric, reason, endedAt: new Date().toISOString() });
    this.deps.log?.(`trial ${trial.idx} ${status}${metric !== null ? ` ${metricKey}=${Number(metric.toPrecision(4))}` : ''}`);
  }
}
