/**
 * Export a run's record, params, tags and full metric history as JSON or CSV (long format:
 * one row per param, tag or metric point, so spreadsheets and pandas read it as is).
 */
import type { RunStore } from '../store/runStore';
import type { MetricQueries } from '../store/metricQueries';

export function exportRunJson(store: RunStore, queries: MetricQueries, runRef: string) {
  const run = store.requireRun(runRef);
  const detail = {
    run,
    params: store.getParams(run.id),
    tags: store.getTags(run.id),
    summaries: queries.getMetricSummaries(run.id),
    metrics: Object.fromEntries(
      queries.listMetricKeys(run.id).map((key) => [
        key,
        queries.getMetricHistory(run.id, key).map((p) => ({ step: p.step, epoch: p.epoch, value: p.value, time: p.time })),
      ]),
    ),
    evaluation: store.getEvaluation(run.id),
    artifacts: store.listArtifacts(run.id),
  };
  return detail;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportRunCsv(store: RunStore, queries: MetricQueries, runRef: string): string {
  const run = store.requireRun(runRef);
  const rows: unknown[][] = [['run_id', 'section', 'key', 'step', 'epoch', 'value', 'time']];
  for (const [k, v] of Object.entries(store.getParams(run.id))) rows.push([run.id, 'param', k, '', '', v, '']);
  for (const [k, v] of Object.entries(store.getTags(run.id))) rows.push([run.id, 'tag', k, '', '', v, '']);
  for (const key of queries.listMetricKeys(run.id)) {
    for (const p of queries.getMetricHistory(run.id, key)) {
      rows.push([run.id, 'metric', key, p.step, p.epoch ?? '', p.value, new Date(p.time).toISOString()]);
    }
  }
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
