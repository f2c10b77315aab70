import { resolve } from 'node:path';
import type { ColumnStats, Task } from '../../core/domain';
import type { Command } from '../command';
import { num, str, usage } from '../args';
import { table } from '../output';

function parseSplit(v: string | undefined): [number, number, number] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) {
    throw usage(`--split expects three fractions like 0.7,0.15,0.15, got "${v}"`);
  }
  return parts as [number, number, number];
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);
}

function columnOverrides(keep: unknown, drop: unknown): { keepColumns?: string[]; dropColumns?: string[] } {
  const keepColumns = list(keep);
  const dropColumns = list(drop);
  return { ...(keepColumns ? { keepColumns } : {}), ...(dropColumns ? { dropColumns } : {}) };
}

function excludedColumns(columns: ColumnStats[]): { column: string; reason: string }[] {
  return columns.filter((c) => c.excluded).map((c) => ({ column: c.name, reason: c.excluded! }));
}

/** Says which columns were left out and why, and how to override. */
function describeExcluded(columns: ColumnStats[]): string {
  const out = excludedColumns(columns);
  if (!out.length) return '';
  return `\nLeft out of the features (use --keep-column COL to keep one):\n${out.map((e) => `  ${e.column}: ${e.reason}`).join('\n')}`;
}

/** `--option k=v` (repeatable; `--opt` for short): options for a plugin importer, e.g. --option labels=labels.csv. */
function importerOptions(v: unknown): { options?: Record<string, string> } {
  const list = Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
  if (!list.length) return {};
  const options: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq < 1) throw usage(`--option expects KEY=VALUE, got "${kv}"`);
    options[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { options };
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import a CSV/TSV/JSON file, an image folder or a built-in sample (sample:ID) as a dataset',
  usage:
    'lamina import FILE|sample:ID [--name N] [--target COL] [--task classification|regression] [--split 0.7,0.15,0.15] [--seed S] [--importer ID] [--image-size N] [--slices each|A-B|volume[:A-B]] [--keep-column COL]… [--drop-column COL]… [--option KEY=VALUE]… (options for a plugin importer; --opt for short) [--encoding utf8|latin1] (text files are UTF-8; invalid bytes are an error unless --encoding latin1)',
  options: {
    name: { type: 'string' },
    target: { type: 'string' },
    task: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    importer: { type: 'string' },
    'image-size': { type: 'string' },
    slices: { type: 'string' },
    'keep-column': { type: 'string', multiple: true },
    'drop-column': { type: 'string', multiple: true },
    opt: { type: 'string', multiple: true },
    option: { type: 'string', multiple: true },
    encoding: { type: 'string' },
  },
  async run({ args, out, core }) {
    const file = args.positionals[0];
    if (!file) throw usage('lamina import needs a FILE (or an image folder)');
    const encoding = str(args.values.encoding);
    if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'latin1') throw usage(`--encoding must be utf8 or latin1, got "${encoding}"`);
    const task = str(args.values.task);
    if (task !== undefined && task !== 'classification' && task !== 'regression') {
      throw usage(`--task must be classification or regression, got "${task}"`);
    }
    const bar = out.progress('importing');
    const lamina = core();
    const options = {
      name: str(args.values.name),
      target: str(args.values.target),
      task: task as Task | undefined,
      split: parseSplit(str(args.values.split)),
      seed: num(args.values.seed, 'seed', { int: true, min: 0 }),
      importer: str(args.values.importer),
      ...(encoding ? { encoding } : {}),
      ...columnOverrides(args.values['keep-column'], args.values['drop-column']),
      // --option k=v (or --opt k=v): options for a plugin importer.
      // --slices SPEC is --option slices=SPEC (volume importers: each, A-B, volume, volume:A-B).
      ...importerOptions([
        ...((args.values.option as string[] | undefined) ?? []), ...((args.values.opt as string[] | undefined) ?? []),
        ...(args.values.slices ? [`slices=${String(args.values.slices)}`] : []),
      ]),
      ...(args.values['image-size'] ? { imageSize: num(args.values['image-size'], 'image-size', { int: true, min: 4 }) } : {}),
      onProgress: (p: { phase: string; done: number; total: number | null }) => bar.update(p.total ? p.done / p.total : 0, `${p.phase}`),
    } as Parameters<typeof lamina.importDataset>[1];
    // sample:ID names a built-in sample (lamina samples), as template:ID names a built-in model.
    const meta = file.startsWith('sample:') ? await lamina.importSample(file.slice('sample:'.length), options) : await lamina.importDataset(resolve(file), options);
    bar.done();
    out.result(
      {
        id: meta.id,
        name: meta.name,
        rows: meta.rows,
        columns: meta.features.length,
        target: meta.target,
        task: meta.task,
        classes: meta.classes,
        splits: meta.splits,
        inputShape: meta.inputShape,
        hash: meta.hash,
        excluded: excludedColumns(meta.columns),
        ...(meta.grouping ? { grouping: meta.grouping } : {}),
        ...(meta.importInfo ? { importInfo: meta.importInfo } : {}),
      },
      () =>
        `Imported ${meta.name} (${meta.id.slice(0, 8)}): ${meta.rows} rows, ${meta.features.length} features, ` +
        `target "${meta.target}" (${meta.task}${meta.classes.length ? `, ${meta.classes.length} classes` : ''}); ` +
        `split ${meta.splits.train}/${meta.splits.validation}/${meta.splits.test}` +
        (meta.grouping ? ` by ${meta.grouping.key} (${meta.grouping.groups} groups; no ${meta.grouping.key} in two splits)` : '') +
        (meta.importInfo?.skipped ? `; skipped ${meta.importInfo.skipped} bad files` : '') +
        describeExcluded(meta.columns),
    );
  },
};

export const datasetsCommand: Command = {
  name: 'datasets',
  summary: 'list datasets',
  usage: 'lamina datasets',
  options: {},
  async run({ out, core }) {
    const list = core().listDatasets();
    out.result(
      list.map((d) => ({ id: d.id, name: d.name, rows: d.rows, task: d.task, target: d.target, classes: d.classes, inputShape: d.inputShape, createdAt: d.createdAt })),
      () =>
        list.length
          ? table(
              ['ID', 'NAME', 'ROWS', 'TASK', 'TARGET', 'SHAPE'],
              list.map((d) => [d.id.slice(0, 8), d.name, d.rows, d.task, d.target, JSON.stringify(d.inputShape)]),
            )
          : 'No datasets yet. Import one with: lamina import FILE --target COLUMN (or a built-in sample: lamina import sample:iris)',
    );
  },
};

export const samplesCommand: Command = {
  name: 'samples',
  summary: 'list the built-in sample datasets (import one with lamina import sample:ID)',
  usage: 'lamina samples',
  options: {},
  async run({ out, core }) {
    const list = core().listSamples();
    out.result(list, () => table(['ID', 'NAME', 'TARGET', 'SOURCE'], list.map((s) => [s.id, s.name, s.target, s.source])));
  },
};
