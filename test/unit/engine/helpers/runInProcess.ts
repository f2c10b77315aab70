/** Run the host's runner in this process with in-memory data, collecting every message it sends. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricPoint, TrainConfig } from '../../../../src-main/core/domain';
import type { DoneMessage, HostToCoreMessage } from '../../../../src-main/core/engine/protocol';
import { runTraining } from '../../../../src-main/core/engine/host/runner';
import { HostError } from '../../../../src-main/core/engine/host/hostError';
import type { TestDataset } from './csvDataset';
import { trainConfig } from './csvDataset';

export const template = (id: string) => readFileSync(join(__dirname, '../../../../resources/templates', `${id}.ts`), 'utf8');

export interface InProcessRun {
  messages: HostToCoreMessage[];
  done: DoneMessage | null;
  error: HostError | null;
  points: MetricPoint[];
  artifactsDir: string;
  /** key → values in step order (times dropped), for bit-exact comparisons. */
  series: (key: string) => number[];
}

export async function runInProcess(
  ds: TestDataset,
  source: string,
  config: Partial<TrainConfig>,
  opts: { cancelAfterBatches?: number; resume?: string; artifactsDir?: string } = {},
): Promise<InProcessRun> {
  const artifactsDir = opts.artifactsDir ?? mkdtempSync(join(tmpdir(), 'lamina-run-'));
  const messages: HostToCoreMessage[] = [];
  let batchesSeen = 0;
  let done: DoneMessage | null = null;
  let error: HostError | null = null;
  try {
    done = await runTraining(
      {
        type: 'start',
        runId: 'test',
        source,
        dataset: ds.meta,
        datasetFile: '',
        config: trainConfig(config),
        artifactsDir,
        resume: opts.resume ? { checkpointDir: opts.resume } : undefined,
      },
      {
        emit: (m) => {
          messages.push(m);
          if (m.type === 'metrics') batchesSeen += m.points.filter((p) => p.key === 'batch/loss').length;
        },
        cancelled: () => opts.cancelAfterBatches !== undefined && batchesSeen >= opts.cancelAfterBatches,
        loadData: async () => ds.data,
      },
    );
  } catch (err) {
    if (!(err instanceof HostError)) throw err;
    error = err;
  }
  const points = messages.flatMap((m) => (m.type === 'metrics' ? m.points : []));
  return {
    messages,
    done,
    error,
    points,
    artifactsDir,
    series: (key) => points.filter((p) => p.key === key).map((p) => p.value),
  };
}
