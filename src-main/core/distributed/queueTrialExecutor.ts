/**
 * `lamina sweep run SWEEP --queue redis://…`: trials train on `lamina worker` processes. A trial is
 * still an ordinary run nested under the sweep's run, created and recorded by this process (the
 * only writer of the store); the workspace's engine sends it to the queue instead of a local host.
 * So this is LocalTrialExecutor with the facade switched to remote training, and the per-epoch
 * metrics that early termination reads arrive through the same core events.
 *
 * The seam's factory is synchronous; the queue connection opens on the first trial. `close()`
 * (called by `lamina sweep run` when the sweep ends) switches the facade back and disconnects.
 */
import type { Lamina } from '../lamina';
import type { RunRecord } from '../domain';
import type { TrainRequest } from '../service';
import { LocalTrialExecutor } from '../sweeps/localTrialExecutor';
import { registerQueueTrialExecutor } from '../sweeps/executors';
import type { TrialExecutor, TrialRunOptions } from '../sweeps/trialExecutor';
import { QueueCoordinator } from './coordinator';

export class QueueTrialExecutor implements TrialExecutor {
  private coordinator: Promise<QueueCoordinator> | null = null;
  private readonly local: LocalTrialExecutor;

  constructor(
    private readonly url: string,
    private readonly core: Lamina,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.local = new LocalTrialExecutor(core);
  }

  /** Connects (once) and switches the workspace's training to the queue. */
  connect(): Promise<QueueCoordinator> {
    this.coordinator ??= QueueCoordinator.open(this.url).then((q) => {
      this.core.useRemoteTraining(q);
      this.log(`training trials on workers of ${q.connection.display} (artifacts come back to ${q.transferUrl})`);
      return q;
    });
    return this.coordinator;
  }

  async run(req: TrainRequest & { parentRunId: string }, opts: TrialRunOptions): Promise<RunRecord> {
    await this.connect();
    return this.local.run(req, opts);
  }

  async close(): Promise<void> {
    const c = this.coordinator;
    this.coordinator = null;
    if (!c) return;
    const q = await c.catch(() => null);
    this.core.useRemoteTraining(null);
    await q?.close();
  }
}

registerQueueTrialExecutor((url, core) => new QueueTrialExecutor(url, core));
