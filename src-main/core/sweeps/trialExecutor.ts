/**
 * The seam between a sweep (which decides what to try and when to stop a trial) and where a
 * trial trains. `LocalTrialExecutor` (./localTrialExecutor.ts) trains on this machine through the
 * facade; a queue executor (BullMQ workers) implements the same interface, so `lamina sweep run
 * --queue redis://…` only has to pick the executor.
 *
 * TrainRequest (service.ts) does not carry parentRunId itself (RunManager.start takes it as an
 * extra), so the executor's request adds it: every trial is a child run of the sweep's run.
 */
import type { RunRecord } from '../domain';
import type { TrainRequest } from '../service';

export interface TrialRunOptions {
  /** Called with each per-epoch metric point as it arrives (early termination reads these). */
  onMetric?: (key: string, step: number, value: number) => void;
  /** Called once the trial's run exists (its id), before it has ended. */
  onStarted?: (run: RunRecord) => void;
  /** Abort = stop this trial (recorded as cancelled; the sweep records why, e.g. early termination). */
  signal?: AbortSignal;
}

/** Runs one trial (an ordinary run, child of the sweep's run) and resolves when it has ended. */
export interface TrialExecutor {
  run(req: TrainRequest & { parentRunId: string }, opts: TrialRunOptions): Promise<RunRecord>;
}
