/**
 * `lamina explain RUN`: attributions for a completed run (see core/explain). Writes a PNG overlay
 * (heatmap over the input, colour scale on the right) and the raw attribution (JSON) per sample,
 * kept as the run's artifacts and copied to --out when given; --json prints the summary document.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../command';
import { num, str, usage } from '../args';
import { formatMetric, table } from '../output';
import { EXPLAIN_METHODS, type ExplainMethod, type ExplainOptions, type ExplainResult, type ExplainSelection } from '../../core/explain/types';
import { runArtifactsDir } from '../../core/workspace/workspace';

const SPLITS = ['train', 'validation', 'test'] as const;

function selectionFrom(v: Record<string, unknown>): ExplainSelection {
  const given = ['sample', 'samples', 'worst', 'split'].filter((k) => v[k] !== undefined);
  if (given.length > 1) throw usage(`choose one of --sample, --samples, --worst and --split (got ${given.map((g) => `--${g}`).join(', ')})`);
  if ((v.class !== undefined || v.limit !== undefined) && (v.sample !== undefined || v.samples !== undefined || v.worst !== undefined)) {
    throw usage('--class and --limit go with --split (or neither of --sample, --samples, --worst)');
  }
  if (v.sample !== undefined) return { samples: [num(v.sample as string, 'sample', { int: true, min: 0 })!] };
  if (v.samples !== undefined) {
    const list = String(v.samples).split(',').map((s) => s.trim());
    return { samples: list.map((s) => num(s, 'samples', { int: true, min: 0 })!) };
  }
  if (v.worst !== undefined) return { worst: num(v.worst as string, 'worst', { int: true, min: 1 }) };
  const split = str(v.split as string) ?? 'test';
  if (!(SPLITS as readonly string[]).includes(split)) throw usage(`--split must be one of ${SPLITS.join(', ')}, got "${split}"`);
  return {
    split: split as ExplainSelection['split'],
    ...(v.class !== undefined ? { classLabel: String(v.class) } : {}),
    ...(v.limit !== undefined ? { limit: num(v.limit as string, 'limit', { int: true, min: 1 }) } : {}),
  };
}

function optionsFrom(v: Record<string, unknown>): ExplainOptions {
  const o: ExplainOptions = {};
  if (v.steps !== undefined) o.steps = num(v.steps as string, 'steps', { int: true, min: 2 });
  if (v.baseline !== undefined) {
    if (v.baseline !== 'black' && v.baseline !== 'blurred') throw usage(`--baseline must be black or blurred, got "${String(v.baseline)}"`);
    o.baseline = v.baseline;
  }
  if (v.layer !== undefined) o.layer = String(v.layer);
  if (v.window !== undefined) o.window = num(v.window as string, 'window', { int: true, min: 1 });
  if (v.stride !== undefined) o.stride = num(v.stride as string, 'stride', { int: true, min: 1 });
  if (v.repeats !== undefined) o.repeats = num(v.repeats as string, 'repeats', { int: true, min: 1 });
  return o;
}

/** The --json document: the issue's shape (samples for per-sample methods, features for tables). */
export function explainDocument(r: ExplainResult, fileDir: string): Record<string, unknown> {
  const doc: Record<string, unknown> = { method: r.method };
  if (r.method !== 'permutation') {
    doc.samples = r.samples.map((s) => ({
      sample: s.sample,
      source: s.source,
      predicted: s.predicted,
      truth: s.truth,
      confidence: s.confidence,
      peak: s.peak,
      overlay: join(fileDir, s.overlay),
      attribution: join(fileDir, s.attribution),
      ...(s.completenessError !== undefined ? { completenessError: s.completenessError, steps: s.steps } : {}),
    }));
  }
  if (r.features) doc.features = r.features;
  return doc;
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'explain a run: Grad-CAM, integrated gradients, saliency, occlusion or permutation importance',
  usage:
    'lamina explain RUN [--sample N | --samples a,b,c | --worst K | --split test [--class LABEL] [--limit N]] ' +
    `[--method ${EXPLAIN_METHODS.join('|')}] [--out DIR] [--steps N] [--baseline black|blurred] [--layer NAME] ` +
    '[--window N] [--stride N] [--repeats N] [--json]',
  options: {
    sample: { type: 'string' },
    samples: { type: 'string' },
    worst: { type: 'string' },
    split: { type: 'string' },
    class: { type: 'string' },
    limit: { type: 'string' },
    method: { type: 'string' },
    out: { type: 'string' },
    steps: { type: 'string' },
    baseline: { type: 'string' },
    layer: { type: 'string' },
    window: { type: 'string' },
    stride: { type: 'string' },
    repeats: { type: 'string' },
  },
  async run({ args, out, core }) {
    const ref = args.positionals[0];
    if (!ref) throw usage('lamina explain needs a RUN id (or a unique prefix)');
    const v = args.values;
    const method = str(v.method);
    if (method !== undefined && !(EXPLAIN_METHODS as readonly string[]).includes(method)) {
      throw usage(`--method must be one of ${EXPLAIN_METHODS.join(', ')}, got "${method}"`);
    }
    const selection = selectionFrom(v);
    const options = optionsFrom(v);
    const lamina = core();
    const bar = out.progress('explaining');
    const abort = new AbortController();
    const onSigint = () => {
      out.warn('\ncancelling…');
      abort.abort();
    };
    process.once('SIGINT', onSigint);
    let result: ExplainResult;
    try {
      result = await lamina.explainRun(ref, { method: method as ExplainMethod | undefined, selection, options }, {
        signal: abort.signal,
        onProgress: (p) => bar.update(p.total ? p.done / p.total : 0, `${p.done}/${p.total}`),
      });
    } finally {
      process.off('SIGINT', onSigint);
      bar.done();
    }
    const saved = join(runArtifactsDir(lamina.paths, result.runId), result.dir);
    let fileDir = saved;
    const target = str(v.out);
    if (target) {
      fileDir = resolve(target);
      mkdirSync(fileDir, { recursive: true });
      const files = [...result.samples.flatMap((s) => [s.overlay, s.attribution]), ...result.classMeans.flatMap((c) => [c.overlay, c.attribution]), 'result.json'];
      for (const f of files) if (f) copyFileSync(join(saved, f), join(fileDir, f));
    }
    const doc = explainDocument(result, fileDir);
    out.result(doc, () => {
      const lines: string[] = [`Explained run ${result.runId} with ${result.method} (${result.backend}, ${(result.durationMs / 1000).toFixed(1)} s)`];
      if (result.samples.length) {
        lines.push(
          table(
            ['SAMPLE', 'SOURCE', 'PREDICTED', 'TRUTH', 'CONFIDENCE', 'PEAK (ROW,COL)', 'OVERLAY'],
            result.samples.map((s) => [s.sample, s.source, s.predicted, s.truth, formatMetric(s.confidence), `${s.peak.row},${s.peak.col}`, join(fileDir, s.overlay)]),
          ),
        );
      } else if (result.method !== 'permutation') {
        lines.push('No samples matched the selection.');
      }
      if (result.features) {
        lines.push(result.method === 'permutation' ? `Permutation importance (drop in test ${result.metric}, mean ± std over ${result.options.repeats} shuffles):` : 'Mean |attribution| per feature:');
        lines.push(table(['FEATURE', 'IMPORTANCE', 'STD'], result.features.map((f) => [f.name, formatMetric(f.importance), formatMetric(f.std)])));
      }
      lines.push(`Files: ${fileDir}`);
      return lines.join('\n');
    });
  },
};
