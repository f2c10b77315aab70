/**
 * `lamina worker`: takes run jobs from BullMQ and trains each in an ordinary training host process
 * (the same host and plugins as a local run). It never touches a workspace: the dataset comes from
 * the coordinator by content hash (cached here, fetched once per worker), the host's messages go
 * back as job progress, artifacts are uploaded to the coordinator's transfer endpoint, and the
 * host's ending is the job's result.
 *
 * A job this worker cannot run (backend, plugin or version it lacks) is refused: the reason is
 * recorded in the job's data and the job waits a second and goes back to the queue for another
 * worker. Once every connected worker has refused it, it fails with all their reasons, and the
 * coordinator records the run as failed with them.
 */
import { DelayedError, Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { EngineClient, killAfter, type HostOutcome } from '../engine/engineClient';
import type { HostLauncher } from '../engine/hostLauncher';
import type { HostToCoreMessage, StartTrainingMessage } from '../engine/protocol';
import { CANCEL_GRACE_MS } from '../training/runManager';
import { refusalReason, type WorkerCapabilities } from './capabilities';
import { RUN_QUEUE, type RunJobData, type RunJobProgress, type RunJobResult } from './jobs';
import { parseQueueUrl, probeQueue, type QueueConnection } from './redisUrl';
import { artifactUrl } from './transferServer';
import { toWire } from './wire';
import { listFiles } from '../util/listFiles';
import { describeRefusals } from './coordinator';

export interface LaminaWorkerOptions {
  url: string;
  capabilities: WorkerCapabilities;
  concurrency?: number;
  /** Datasets (by hash) and per-run scratch folders. */
  cacheDir?: string;
  /** How long a job's lock lasts without renewal; a worker silent this long is taken for dead. */
  lockMs?: number;
  /** How often the host's messages are sent on as one progress update. */
  flushMs?: number;
  queueName?: string;
  launcher?: HostLauncher;
  log?: (line: string) => void;
}

export function defaultWorkerCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAMINA_WORKER_CACHE) return env.LAMINA_WORKER_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lamina', 'worker');
}

export const DEFAULT_LOCK_MS = 30_000;

/** How long a job that every connected worker refused waits for one that can run it before it fails. */
export function refusalGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.LAMINA_QUEUE_REFUSAL_GRACE_MS);
  return Number.isFinite(v) && v >= 0 ? v : 60_000;
}

export class LaminaWorker {
  private readonly downloads = new Map<string, Promise<string>>();
  private readonly engine: EngineClient;
  private readonly cacheDir: string;
  private readonly log: (line: string) => void;
  private worker!: Worker;
  private queue!: Queue;
  readonly connection: QueueConnection;

  private constructor(private readonly opts: LaminaWorkerOptions) {
    this.connection = parseQueueUrl(opts.url);
    this.engine = new EngineClient(opts.launcher);
    this.cacheDir = opts.cacheDir ?? defaultWorkerCache();
    this.log = opts.log ?? (() => {});
  }

  static async start(opts: LaminaWorkerOptions): Promise<LaminaWorker> {
    const w = new LaminaWorker(opts);
    await w.connect();
    return w;
  }

  get id(): string {
    return this.opts.capabilities.id;
  }

  private async connect(): Promise<void> {
    const name = this.opts.queueName ?? RUN_QUEUE;
    const lockDuration = this.opts.lockMs ?? DEFAULT_LOCK_MS;
    mkdirSync(join(this.cacheDir, 'datasets'), { recursive: true });
    await probeQueue(this.connection);
    this.queue = new Queue(name, { connection: this.connection.options });
    this.worker = new Worker(name, (job, token) => this.process(job as Job<RunJobData>, token), {
      connection: this.connection.options,
      concurrency: Math.max(1, this.opts.concurrency ?? 1),
      name: this.id,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: 1,
      autorun: true,
    });
    let down = false;
    this.worker.on('error', (e) => {
      if (down) return;
      down = true;
      this.log(`worker ${this.id}: queue connection problem (${e.message}); retrying`);
      // Commands wait for the reconnection (maxRetriesPerRequest: null): this one answers once it is back.
      void this.queue.getJobCounts('wait').then(
        () => {
          down = false;
          this.log(`worker ${this.id}: reconnected to ${this.connection.display}`);
        },
        () => (down = false),
      );
    });
    this.queue.on('error', () => {});
    await Promise.all([this.worker.waitUntilReady(), this.queue.waitUntilReady()]);
  }

  private async process(job: Job<RunJobData>, token: string | undefined): Promise<RunJobResult> {
    const data = job.data;
    const why = refusalReason(this.opts.capabilities, data);
    if (why) return this.refuse(job, token, why);
    const attempt = job.attemptsStarted || 1;
    const runId = data.runId;
    this.log(`worker ${this.id}: run ${runId} started (attempt ${attempt})`);
    const t0 = Date.now();
    const datasetFile = await this.dataset(data);
    const artifactsDir = join(this.cacheDir, 'runs', runId, `attempt-${attempt}`);
    rmSync(artifactsDir, { recursive: true, force: true });
    mkdirSync(artifactsDir, { recursive: true });
    const caps = this.opts.capabilities;
    const plugins = data.needs.plugins.map((p) => caps.plugins.get(p.id)!);
    const start: StartTrainingMessage = {
      type: 'start',
      runId,
      source: data.start.source,
      dataset: data.start.dataset,
      datasetFile,
      config: { ...data.start.config, backend: data.start.config.backend ?? caps.forcedBackend },
      artifactsDir,
      ...(plugins.length ? { plugins } : {}),
      ...(data.start.trainer ? { trainer: data.start.trainer } : {}),
      ...(data.start.pluginMetrics ? { pluginMetrics: data.start.pluginMetrics } : {}),
    };

    // Host messages leave in order, batched: one progress update per flush interval.
    let buffer: HostToCoreMessage[] = [];
    const artifacts: { path: string; kind: string }[] = [];
    let seq = 0;
    let sending: Promise<void> = Promise.resolve();
    const flush = () => {
      if (!buffer.length) return sending;
      const progress: RunJobProgress = { attempt, seq: seq++, worker: this.id, messages: buffer };
      buffer = [];
      sending = sending.then(() => job.updateProgress(toWire(progress) as unknown as object)).catch((e: Error) => this.log(`worker ${this.id}: run ${runId}: progress not sent (${e.message})`));
      return sending;
    };
    const hostStart = Date.now();
    const host = this.engine.run(start, (m) => {
      if (m.type === 'artifact') artifacts.push({ path: m.path, kind: m.kind });
      else if (m.type !== 'done' && m.type !== 'error' && m.type !== 'inspected') buffer.push(m);
    });
    const flushTimer = setInterval(() => void flush(), this.opts.flushMs ?? 200);
    // The coordinator asks for a stop by flagging the job's data.
    let cancelled = false;
    const cancelTimer = setInterval(() => {
      void Job.fromId(this.queue, job.id!).then((j) => {
        if (j?.data.cancel && !cancelled) {
          cancelled = true;
          host.cancel();
          killAfter(host, CANCEL_GRACE_MS);
        }
      }).catch(() => {});
    }, 1000);
    let outcome: HostOutcome;
    let hostMs = 0;
    try {
      outcome = await host.outcome;
      hostMs = Date.now() - hostStart;
    } finally {
      clearInterval(flushTimer);
      clearInterval(cancelTimer);
    }
    await flush();
    const uploaded = await this.upload(data, artifactsDir, artifacts);
    rmSync(join(this.cacheDir, 'runs', runId), { recursive: true, force: true });
    this.log(`worker ${this.id}: run ${runId} ${describeOutcome(outcome)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return toWire({ attempt, worker: this.id, outcome, artifacts: uploaded, hostMs, ...(data.refusals ? { refusals: data.refusals } : {}) });
  }

  /** Records why, then hands the job back for another worker — or fails it once every worker has refused. */
  private async refuse(job: Job<RunJobData>, token: string | undefined, why: string): Promise<never> {
    const refusals = { ...job.data.refusals, [this.id]: why };
    const since = job.data.refusedSince ?? Date.now();
    if (job.data.refusals?.[this.id] !== why) {
      this.log(`worker ${this.id}: refused run ${job.data.runId}: ${why}`);
      await job.updateData({ ...job.data, refusals, refusedSince: since });
    }
    // Every connected worker said no, and none that could has joined within the grace period: fail, with every reason.
    const workers = await this.queue.getWorkersCount().catch(() => Infinity);
    if (Object.keys(refusals).length >= workers && Date.now() - since >= refusalGraceMs()) {
      throw new UnrecoverableError(`no connected worker can run it: ${describeRefusals(refusals)}`);
    }
    await job.moveToDelayed(Date.now() + 1000, token);
    throw new DelayedError();
  }

  /** The dataset's file, fetched from the coordinator once and kept by hash (checked on arrival). */
  private dataset(data: RunJobData): Promise<string> {
    const hash = data.start.dataset.hash;
    const file = join(this.cacheDir, 'datasets', `${hash}${extname(data.start.dataset.file) || '.arrow'}`);
    if (existsSync(file)) return Promise.resolve(file);
    let p = this.downloads.get(hash);
    if (!p) {
      p = this.download(`${data.transfer.url}/datasets/${hash}`, data.transfer.token, file, hash).finally(() => this.downloads.delete(hash));
      this.downloads.set(hash, p);
    }
    return p;
  }

  private async download(url: string, token: string, file: string, hash: string): Promise<string> {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok || !res.body) throw new Error(`dataset ${hash.slice(0, 12)}: the coordinator answered ${res.status} ${(await res.text().catch(() => '')).trim()}`);
    const part = `${file}.${process.pid}.part`;
    const sha = createHash('sha256');
    const body = Readable.fromWeb(res.body as unknown as WebReadableStream);
    body.on('data', (c: Buffer) => sha.update(c));
    await pipeline(body, createWriteStream(part));
    const got = sha.digest('hex');
    if (got !== hash) {
      rmSync(part, { force: true });
      throw new Error(`dataset ${hash.slice(0, 12)}: received content hashes to ${got.slice(0, 12)}; not used`);
    }
    renameSync(part, file);
    this.log(`worker ${this.id}: cached dataset ${hash.slice(0, 12)} (${statSync(file).size} bytes)`);
    return file;
  }

  /** Uploads each reported artifact (files, or every file of a reported folder) to the coordinator. */
  private async upload(data: RunJobData, dir: string, artifacts: { path: string; kind: string }[]): Promise<{ path: string; kind: string }[]> {
    const done: { path: string; kind: string }[] = [];
    for (const a of artifacts) {
      const full = join(dir, a.path);
      if (!existsSync(full)) continue;
      const files = statSync(full).isDirectory() ? listFiles(full) : [full];
      for (const f of files) {
        const rel = relative(dir, f).split('\\').join('/');
        const res = await fetch(artifactUrl(data.transfer.url, data.runId, rel), {
          method: 'PUT',
          headers: { authorization: `Bearer ${data.transfer.token}`, 'content-type': 'application/octet-stream' },
          body: readFileSync(f),
        });
        if (!res.ok) throw new Error(`artifact ${rel}: the coordinator answered ${res.status} ${(await res.text().catch(() => '')).trim()}`);
      }
      done.push(a);
    }
    return done;
  }

  /** Stops taking jobs; with `force` false, waits for running ones to finish. */
  async close(force = false): Promise<void> {
    await this.worker.close(force);
    await this.queue.close();
  }
}

function describeOutcome(o: HostOutcome): string {
  if (o.kind === 'done') return o.message.status;
  if (o.kind === 'error') return `failed (${o.message.reason}: ${o.message.message.split('\n')[0]})`;
  if (o.kind === 'crashed') return `crashed (${o.signal ?? `code ${o.code}`})`;
  return 'ended';
}
