/**
 * What travels through BullMQ between a coordinator (the machine that owns the workspace and is
 * the only writer of its SQLite store) and `lamina worker` processes. Datasets and artifacts never
 * travel through Redis: workers fetch a dataset by content hash from the coordinator's transfer
 * endpoint and upload artifacts to it over HTTP with the job's token (transferServer.ts).
 */
import type { BackendName, DatasetMeta, TrainConfig } from '../domain';
import type { HostToCoreMessage } from '../engine/protocol';
import type { HostOutcome } from '../engine/engineClient';

/** One queue for all runs; a worker that cannot take a job re-queues it for another (see worker.ts). */
export const RUN_QUEUE = 'lamina-runs';

/** Bumped when the job format changes; a worker refuses jobs of another format, saying which. */
export const JOB_FORMAT = 1;

export interface RunJobRequirements {
  /** The run asked for this backend (TrainConfig.backend); null = any. */
  backend: BackendName | null;
  /** Plugin code the run loads on the worker: exactly these ids and versions. */
  plugins: { id: string; version: string }[];
  /** The coordinator's plugin API version; a worker whose host API has another major version refuses. */
  pluginApi: string;
}

export interface RunJobData {
  format: number;
  runId: string;
  /** The run's start message minus the coordinator's paths (dataset file, artifacts folder, plugin folders). */
  start: {
    source: string;
    dataset: DatasetMeta;
    config: TrainConfig;
    trainer?: { pluginId: string; trainerId: string; hasModel: boolean };
    pluginMetrics?: { pluginId: string; metricIds: string[] }[];
  };
  needs: RunJobRequirements;
  /** Where the worker fetches the dataset (GET {url}/datasets/{hash}) and uploads artifacts. */
  transfer: { url: string; token: string };
  /** Workers that refused the job, with their reasons (a refused job waits a moment and goes elsewhere). */
  refusals?: Record<string, string>;
  /** When the first worker refused it (ms since epoch). */
  refusedSince?: number;
  /** Set by the coordinator to stop the run (cancel); the worker checks it while training. */
  cancel?: boolean;
}

/** One progress update: a batch of host messages from one attempt, in order. */
export interface RunJobProgress {
  /** job.attemptsStarted when the worker took the job: a retry after a lost worker has a higher one. */
  attempt: number;
  seq: number;
  worker: string;
  messages: HostToCoreMessage[];
}

/** The job's return value: how the training host ended, and the artifacts already uploaded. */
export interface RunJobResult {
  attempt: number;
  worker: string;
  outcome: HostOutcome;
  artifacts: { path: string; kind: string }[];
  /** Wall time of the training host on the worker (start to ending), for the coordination overhead. */
  hostMs?: number;
  refusals?: Record<string, string>;
}
