/**
 * Trains a trial on this machine through the facade (RunManager: one host process per run), so a
 * trial is exactly an ordinary run nested under the sweep's run. `lamina sweep run --parallel N`
 * keeps N of these running at once.
 */
import type { RunRecord } from '../domain';
import type { CoreEvent, TrainRequest } from '../service';
import type { TrialExecutor, TrialRunOptions } from './trialExecutor';

/** The part of the facade a local trial needs. */
export interface LocalTrialCore {
  startRun(req: TrainRequest & { parentRunId?: string }): Promise<RunRecord>;
  waitForRun(runId: string): Promise<RunRecord>;
  cancelRun(runId: string): void;
  onEvent(listener: (e: CoreEvent) => void): () => void;
}

export class LocalTrialExecutor implements TrialExecutor {
  constructor(private readonly core: LocalTrialCore) {}

  async run(req: TrainRequest & { parentRunId: string }, opts: TrialRunOptions): Promise<RunRecord> {
    // Points can arrive before startRun resolves: keep them until the run's id is known.
    let runId: string | null = null;
    const early: CoreEvent[] = [];
    const deliver = (e: CoreEvent) => {
      if (e.type !== 'run.metrics' || e.runId !== runId) return;
      for (const p of e.points) if (!p.key.startsWith('batch/')) opts.onMetric?.(p.key, p.step, p.value);
    };
    const off = this.core.onEvent((e) => (runId ? deliver(e) : e.type === 'run.metrics' && early.push(e)));
    let onAbort: (() => void) | null = null;
    try {
      const run = await this.core.startRun(req);
      runId = run.id;
      opts.onStarted?.(run);
      early.splice(0).forEach(deliver);
      onAbort = () => {
        try {
          this.core.cancelRun(run.id);
        } catch {
          /* it has ended already */
        }
      };
      opts.signal?.addEventListener('abort', onAbort);
      if (opts.signal?.aborted) onAbort();
      return await this.core.waitForRun(run.id);
    } finally {
      off();
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
