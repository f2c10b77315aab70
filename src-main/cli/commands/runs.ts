import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelSummary } from '../../core/domain';
import { runArtifactsDir, type WorkspacePaths } from '../../core/workspace/workspace';
import { modelSummaryText } from '../modelSummaryText';
import type { Command } from '../command';
import { num, str, usage } from '../args';
import { formatMetric, table } from '../output';
import { finalMetrics } from './train';
import { checkOutFile, writeOutFile } from '../outFile';
import { withRunProgress } from '../runProgress';

export const runsCommand: Command = {
  name: 'runs',
  summary: 'list runs',
  usage: 'lamina runs [--experiment NAME] [--filter EXPR] [--search TEXT] [--order-by KEY] [--limit N]',
  options: {
    experiment: { type: 'string' },
    filter: { type: 'string' },
    search: { type: 'string' },
    'order-by': { type: 'string' },
    limit: { type: 'string' },
  },
  async run({ args, out, core }) {
    const v = args.values;
    const { items, total } = core().listRuns({
      experiment: str(v.experiment),
      filter: str(v.filter),
      search: str(v.search),
      orderBy: str(v['order-by']) ?? '-created_at',
      limit: num(v.limit, 'limit', { int: true, min: 1 }) ?? 1000,
    });
    const shown = items.map((r) => ({
      ...r,
      metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => !k.startsWith('batch/'))),
    }));
    out.result(shown, () => {
      if (!items.length) return 'No runs match.';
      const keys = [...new Set(shown.flatMap((r) => Object.keys(r.metrics)))].filter((k) => k.startsWith('test_')).sort().slice(0, 4);
      // Replays say whose: "replay of 3f2a1b0c" (only when the list has any).
      const replays = shown.some((r) => r.tags.replay_of);
      const body = table(
        ['ID', 'EXPERIMENT', 'MODEL', 'STATUS', 'BACKEND', ...(replays ? ['REPLAY OF'] : []), ...keys.map((k) => k.toUpperCase())],
        shown.map((r) => [
          r.id.slice(0, 8),
          r.experiment,
          r.modelName,
          r.status,
          r.backend,
          ...(replays ? [r.tags.replay_of ? r.tags.replay_of.slice(0, 8) : ''] : []),
          ...keys.map((k) => formatMetric(r.metrics[k])),
        ]),
      );
      return total > items.length ? `${body}\n(${items.length} of ${total} shown)` : body;
    });
  },
};

/** The model summary a run stored (runs recorded before it was stored have none). */
function readRunSummary(paths: WorkspacePaths, runId: string): ModelSummary | null {
  try {
    return JSON.parse(readFileSync(join(runArtifactsDir(paths, runId), 'model-summary.json'), 'utf8')) as ModelSummary;
  } catch {
    return null;
  }
}

export const showCommand: Command = {
  name: 'show',
  summary: 'show one run: params, final metrics, backend, hashes, artifacts',
  usage: 'lamina show RUN',
  options: {},
  async run({ args, out, core }) {
    const ref = args.positionals[0];
    if (!ref) throw usage('lamina show needs a RUN id (or a unique prefix)');
    const lamina = core();
    const d = lamina.getRunDetail(ref);
    const { source, topology, ...run } = d.run;
    const doc = {
      ...run,
      sourceLines: source.split('\n').length,
      source,
      topology,
      params: d.params,
      tags: d.tags,
      metrics: finalMetrics(lamina, run.id),
      summaries: d.metrics,
      evaluation: d.report,
      artifacts: d.artifacts,
    };
    const summary = readRunSummary(lamina.paths, run.id);
    out.result({ ...doc, modelSummary: summary }, () => {
      const lines = [
        `Run ${run.id}  ${run.status}`,
        `  experiment   ${run.experiment}`,
        `  model        ${run.modelName} (source ${run.sourceHash.slice(0, 12)})`,
        `  dataset      ${run.datasetId.slice(0, 8)} (hash ${run.datasetHash.slice(0, 12)})`,
        `  backend      ${run.backend ?? '-'}${run.backendReason ? ` — ${run.backendReason}` : ''}`,
        `  seed         ${run.seed}`,
        `  duration     ${run.durationMs !== null ? (run.durationMs / 1000).toFixed(1) + 's' : '-'}`,
      ];
      if (run.error) lines.push(`  error        ${run.error}`);
      lines.push('params:', ...Object.entries(d.params).map(([k, x]) => `  ${k.padEnd(24)} ${x}`));
      lines.push('metrics:', ...Object.entries(doc.metrics).map(([k, x]) => `  ${k.padEnd(24)} ${formatMetric(x)}`));
      if (summary) lines.push('model:', ...modelSummaryText(summary).split('\n').map((l) => `  ${l}`));
      if (d.artifacts.length) lines.push('artifacts:', ...d.artifacts.map((a) => `  ${a.path} (${a.kind}, ${a.bytes} B)`));
      return lines.join('\n');
    });
  },
};

export const replayCommand: Command = {
  name: 'replay',
  summary: 're-run a recorded run and compare every recorded metric',
  usage: 'lamina replay RUN [--tolerance X]',
  options: { tolerance: { type: 'string' } },
  async run({ args, out, core }) {
    const ref = args.positionals[0];
    if (!ref) throw usage('lamina replay needs a RUN id (or a unique prefix)');
    const tolerance = num(args.values.tolerance, 'tolerance', { min: 0 });
    out.warn(`replaying ${ref}…`);
    const lamina = core();
    lamina.keepHostWarm('once');
    const r = await withRunProgress(lamina, out, 'replaying', () => lamina.replayRun(ref, { tolerance }));
    out.result(r, () => {
      const head = r.match
        ? `Replay ${r.replayId} matches ${r.id} (max |diff| ${r.maxAbsDiff}, tolerance ${r.tolerance})`
        : `Replay ${r.replayId} DIVERGED from ${r.id} (max |diff| ${r.maxAbsDiff}, tolerance ${r.tolerance})`;
      return [head, ...r.diffs.slice(0, 20).map((d) => `  ${d.key}: |diff| ${d.maxAbsDiff} (recorded ${d.recorded}, replayed ${d.replayed})`)].join('\n');
    });
    return r.match ? 0 : 1;
  },
};

export const exportCommand: Command = {
  name: 'export',
  summary: "export a run's params and metric history",
  usage: 'lamina export RUN [--format json|csv] [--out FILE]',
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run({ args, out, core }) {
    const ref = args.positionals[0];
    if (!ref) throw usage('lamina export needs a RUN id (or a unique prefix)');
    const format = (str(args.values.format) ?? 'json').toLowerCase();
    if (format !== 'json' && format !== 'csv') throw usage(`--format must be json or csv, got "${str(args.values.format)}"`);
    const file = str(args.values.out);
    if (file) checkOutFile(file);
    const text = core().exportRun(ref, format);
    if (file) {
      writeOutFile(file, text);
      out.result({ out: resolve(file), format, bytes: Buffer.byteLength(text) }, () => `Wrote ${resolve(file)}`);
    } else if (out.json && format === 'json') {
      process.stdout.write(text + '\n');
    } else if (out.json) {
      out.result({ format, content: text }, () => text);
    } else {
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  },
};
