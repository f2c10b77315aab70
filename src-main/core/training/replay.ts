/**
 * Replay: train a recorded run again from its stored source, dataset (checked by hash),
 * seed, config and backend, then compare every recorded metric series point by point.
 */
import { isSystemMetric } from '../engine/host/systemMetrics';
import { join } from 'node:path';
import type { RunRecord } from '../domain';
import type { ReplayResult } from '../service';
import type { RunStore } from '../store/runStore';
import type { MetricQueries } from '../store/metricQueries';
import type { WorkspacePaths } from '../workspace/workspace';
import { sha256File } from '../util/hash';
import { LaminaError } from '../util/errors';
import type { RunManager } from './runManager';

/** CPU and wasm kernels are deterministic: a replay must match exactly. Native TensorFlow (GPU) may not. */
export function defaultTolerance(backend: RunRecord['backend']): number {
  return backend === 'tensorflow' ? 1e-4 : 0;
}

export async function replayRun(
  deps: { store: RunStore; queries: MetricQueries; runs: RunManager; paths: WorkspacePaths },
  runRef: string,
  opts: { tolerance?: number } = {},
): Promise<ReplayResult> {
  const original = deps.store.requireRun(runRef);
  if (original.status !== 'completed') {
    throw new LaminaError('input', `run ${original.id} is ${original.status}; only completed runs can be replayed`);
  }
  const dataset = deps.store.requireDataset(original.datasetId);
  const actualHash = await sha256File(join(deps.paths.root, dataset.file));
  if (actualHash !== original.datasetHash) {
    throw new LaminaError(
      'failed',
      `dataset ${dataset.name} (${dataset.id}) no longer matches the hash recorded on run ${original.id}`,
    );
  }
  const tolerance = opts.tolerance ?? defaultTolerance(original.backend);
  const replay = await deps.runs.start(
    {
      dataset: dataset.id,
      model: original.source,
      modelName: original.modelName,
      experiment: original.experiment,
      // restoreBestWeights absent: recorded before it existed, when it was always off.
      config: { ...original.config, restoreBestWeights: original.config.restoreBestWeights ?? false, backend: original.backend ?? original.config.backend },
      tags: { replay_of: original.id },
    },
    { replayOf: original.id },
  );
  const finished = await deps.runs.wait(replay.id);
  const result = compareRuns(deps.queries, original.id, finished.id, tolerance);
  if (finished.status !== 'completed') {
    result.match = false;
    result.diffs.unshift({ key: '(status)', maxAbsDiff: Number.NaN, recorded: Number.NaN, replayed: Number.NaN });
  }
  return result;
}

/** Compares every metric series the original recorded with the replay's, point by point. */
export function compareRuns(queries: MetricQueries, originalId: string, replayId: string, tolerance: number): ReplayResult {
  const diffs: ReplayResult['diffs'] = [];
  let maxAbsDiff = 0;
  let match = true;
  // system/* (samples/s, memory, CPU) measure the machine at the time, not the training: never compared.
  const keys = new Set([...queries.listMetricKeys(originalId), ...queries.listMetricKeys(replayId)].filter((k) => !isSystemMetric(k)));
  for (const key of [...keys].sort()) {
    const a = queries.getMetricHistory(originalId, key);
    const b = queries.getMetricHistory(replayId, key);
    let keyMax = 0;
    let worst = { recorded: Number.NaN, replayed: Number.NaN };
    if (a.length !== b.length) {
      match = false;
      diffs.push({ key, maxAbsDiff: Number.POSITIVE_INFINITY, recorded: a.length, replayed: b.length });
      continue;
    }
    for (let i = 0; i < a.length; i++) {
      const sameStep = a[i].step === b[i].step;
      const d = sameStep ? Math.abs(a[i].value - b[i].value) : Number.POSITIVE_INFINITY;
      const bothNaN = Number.isNaN(a[i].value) && Number.isNaN(b[i].value);
      const diff = bothNaN ? 0 : Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
      if (diff > keyMax) {
        keyMax = diff;
        worst = { recorded: a[i].value, replayed: b[i].value };
      }
    }
    if (keyMax > tolerance) {
      match = false;
      diffs.push({ key, maxAbsDiff: keyMax, ...worst });
    }
    if (Number.isFinite(keyMax)) maxAbsDiff = Math.max(maxAbsDiff, keyMax);
  }
  return { id: originalId, replayId, match, maxAbsDiff, tolerance, diffs };
}
