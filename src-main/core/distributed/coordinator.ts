/**
 * The coordinator's side of queued training: the workspace's machine stays the only writer of its
 * SQLite store. A run is created here as usual (RunManager), then, instead of a local training host,
 * its start message becomes a BullMQ job. The worker that takes it streams the host's messages back
 * as job progress (BullMQ's events stream, read here with QueueEvents) and returns the host's ending
 * as the job's result; RunManager records both exactly as it records a local host's. Artifacts come
 * over HTTP to the transfer endpoint, never through Redis.
 *
 * A worker that dies mid-run stops renewing its job's lock; BullMQ's stalled-job check moves the job
 * back to the queue and another worker starts it again (attempt 2). The first message of the new
 * attempt makes the coordinator discard the points the cut-off attempt wrote (and tag the run with
 * how many and why), so the run ends with one history, no duplicates and nothing missing.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { HostJob, HostOutcome } from '../engine/engineClient';
import type { HostToCoreMessage, StartTrainingMessage } from '../engine/protocol';
import { HOST_PLUGIN_API_VERSION } from '../plugins/manifest';
import { LaminaError } from '../util/errors';
import { JOB_FORMAT, RUN_QUEUE, type RunJobData, type RunJobProgress, type RunJobResult } from './jobs';
import { parseQueueUrl, probeQueue, type QueueConnection } from './redisUrl';
import { fromWire } from './wire';
import { TransferServer, type TransferServerOptions } from './transferServer';

/** What the coordinator tells the engine about a queued run besides the host's own messages. */
export interface RemoteRunHooks {
  /** A new attempt started after a lost worker: the earlier attempt's partial metrics must go. */
  restarted(info: { attempt: number; worker: string; previousWorker: string | null }): void;
  /** Facts worth keeping on the run (worker, attempts, refusals). */
  tags(tags: Record<string, string>): void;
}

/** Trains a run somewhere else; PluginAwareEngine uses it in place of a local host when set. */
export interface RemoteTraining {
  run(start: StartTrainingMessage, onMessage: (m: HostToCoreMessage) => void, hooks: RemoteRunHooks): HostJob;
}

interface Pending {
  start: StartTrainingMessage;
  onMessage: (m: HostToCoreMessage) => void;
  hooks: RemoteRunHooks;
  attempt: number;
  seq: number;
  worker: string | null;
  resolve: (o: HostOutcome) => void;
  ended: boolean;
  enqueued: Promise<void>;
}

export interface CoordinatorOptions {
  transfer?: TransferServerOptions;
  queueName?: string;
}

export class QueueCoordinator implements RemoteTraining {
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  private constructor(
    readonly connection: QueueConnection,
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly transfer: TransferServer,
  ) {
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, fromWire(data as unknown as RunJobProgress)));
    events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue as unknown));
    events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    events.on('stalled', ({ jobId }) => this.pending.get(jobId)?.hooks.tags({ 'queue.stalled': 'worker lost; re-queued' }));
    // Connection errors are retried by ioredis; they must not crash the coordinator.
    events.on('error', () => {});
    queue.on('error', () => {});
  }

  /** Connects to Redis (fails with one line when it cannot) and starts the transfer endpoint. */
  static async open(url: string, opts: CoordinatorOptions = {}): Promise<QueueCoordinator> {
    const connection = parseQueueUrl(url);
    const name = opts.queueName ?? RUN_QUEUE;
    const transfer = new TransferServer({
      host: opts.transfer?.host ?? process.env.LAMINA_TRANSFER_HOST,
      advertiseUrl: opts.transfer?.advertiseUrl ?? process.env.LAMINA_TRANSFER_URL,
      port: opts.transfer?.port,
    });
    await transfer.start();
    try {
      await probeQueue(connection);
    } catch (e) {
      await transfer.close();
      throw e;
    }
    const queue = new Queue(name, { connection: connection.options });
    const events = new QueueEvents(name, { connection: connection.options });
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return new QueueCoordinator(connection, queue, events, transfer);
  }

  get transferUrl(): string {
    return this.transfer.url;
  }

  run(start: StartTrainingMessage, onMessage: (m: HostToCoreMessage) => void, hooks: RemoteRunHooks): HostJob {
    if (this.closed) throw new LaminaError('failed', 'the queue connection is closed');
    if (start.resume) throw new LaminaError('usage', 'resuming from a checkpoint (--resume) is not supported with --queue yet; train it here');
    const runId = start.runId;
    const token = this.transfer.grant(runId, { datasetHash: start.dataset.hash, datasetFile: start.datasetFile, artifactsDir: start.artifactsDir });
    const data: RunJobData = {
      format: JOB_FORMAT,
      runId,
      start: {
        source: start.source,
        dataset: start.dataset,
        config: start.config,
        ...(start.trainer ? { trainer: start.trainer } : {}),
        ...(start.pluginMetrics ? { pluginMetrics: start.pluginMetrics } : {}),
      },
      needs: {
        backend: start.config.backend ?? null,
        plugins: (start.plugins ?? []).map((p) => ({ id: p.id, version: p.version })),
        pluginApi: HOST_PLUGIN_API_VERSION,
      },
      transfer: { url: this.transfer.url, token },
    };
    let resolve!: (o: HostOutcome) => void;
    const outcome = new Promise<HostOutcome>((r) => (resolve = r));
    const p: Pending = {
      start,
      onMessage,
      hooks,
      attempt: 0,
      seq: -1,
      worker: null,
      ended: false,
      resolve: (o) => {
        if (p.ended) return;
        p.ended = true;
        this.pending.delete(runId);
        this.transfer.revoke(runId);
        resolve(o);
      },
      enqueued: Promise.resolve(),
    };
    this.pending.set(runId, p);
    p.enqueued = this.queue
      .add('train', data, {
        jobId: runId,
        attempts: 1,
        removeOnComplete: { age: 3600 },
        removeOnFail: { age: 24 * 3600 },
      })
      .then(() => undefined)
      .catch((e: Error) => p.resolve(queueError(`could not queue the run: ${e.message}`)));
    const cancel = () => void this.cancel(runId);
    return { pid: undefined, outcome, cancel, kill: cancel };
  }

  /** Waiting jobs are removed and end as cancelled; a running one is flagged and its worker stops it. */
  private async cancel(runId: string): Promise<void> {
    const p = this.pending.get(runId);
    if (!p) return;
    await p.enqueued;
    const job = await this.queue.getJob(runId);
    if (!job) return;
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
      try {
        await job.remove();
        p.resolve({ kind: 'done', message: { type: 'done', status: 'cancelled', testMetrics: {}, report: null, stoppedEarly: false, epochsRun: 0 } });
        return;
      } catch {
        // Taken by a worker meanwhile: flag it below.
      }
    }
    await job.updateData({ ...job.data, cancel: true });
  }

  private onProgress(jobId: string, data: RunJobProgress): void {
    const p = this.pending.get(jobId);
    if (!p || !data || typeof data !== 'object' || !Array.isArray(data.messages)) return;
    if (data.attempt < p.attempt) return; // a late message from a cut-off attempt
    if (data.attempt > p.attempt) {
      if (p.attempt > 0) p.hooks.restarted({ attempt: data.attempt, worker: data.worker, previousWorker: p.worker });
      p.attempt = data.attempt;
      p.seq = -1;
      p.worker = data.worker;
      p.hooks.tags({ 'queue.worker': data.worker, 'queue.attempt': String(data.attempt) });
    }
    if (data.seq <= p.seq) return;
    p.seq = data.seq;
    for (const m of data.messages) p.onMessage(m);
  }

  private onCompleted(jobId: string, raw: unknown): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    let r: RunJobResult;
    try {
      r = fromWire((typeof raw === 'string' ? JSON.parse(raw) : raw) as RunJobResult);
    } catch {
      p.resolve(queueError('the worker returned an unreadable result'));
      return;
    }
    if (r.attempt > p.attempt && p.attempt > 0) p.hooks.restarted({ attempt: r.attempt, worker: r.worker, previousWorker: p.worker });
    p.hooks.tags({
      'queue.worker': r.worker,
      'queue.attempt': String(r.attempt),
      ...(r.hostMs !== undefined ? { 'queue.host_ms': String(r.hostMs) } : {}),
      ...(r.refusals && Object.keys(r.refusals).length ? { 'queue.refused': describeRefusals(r.refusals) } : {}),
    });
    for (const a of r.artifacts ?? []) p.onMessage({ type: 'artifact', path: a.path, kind: a.kind });
    p.resolve(r.outcome);
  }

  private onFailed(jobId: string, reason: string): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    p.resolve(queueError(reason));
  }

  /** Jobs still running are left to their workers; their runs end as failed when this process exits. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.resolve(queueError('the coordinator closed its queue connection before the run ended'));
    await Promise.allSettled([this.events.close(), this.queue.close(), this.transfer.close()]);
  }

  /** For benches and tests: how many jobs wait, run, or are delayed. */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }
}

function queueError(message: string): HostOutcome {
  return { kind: 'error', message: { type: 'error', reason: 'internal', message: `queue: ${message}` } };
}

export function describeRefusals(r: Record<string, string>): string {
  return Object.entries(r)
    .map(([w, why]) => `${w}: ${why}`)
    .join('; ')
    .slice(0, 500);
}
