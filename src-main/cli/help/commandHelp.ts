/**
 * `lamina COMMAND --help`: what each option does, its default and accepted values, the global
 * options, and examples that run as written (after `lamina import sample:iris`).
 */
import { OPTIMIZERS, BACKENDS, DEFAULT_TRAIN_CONFIG } from '../../core/training/trainConfig';
import { runColumnNames } from '../../core/store/runColumns';
import { DEFAULT_SPLIT_SEED } from '../../core/datasets/importDataset';
import { DEFAULT_EXPERIMENT } from '../../core/training/runManager';
import type { Command } from '../command';

interface HelpDoc {
  /** [flag with its value, what it does (defaults and values included)] */
  options?: [string, string][];
  examples?: string[];
  notes?: string[];
}

const FILTER_LANGUAGE = [
  'Filter language (--filter):',
  '  FIELD OP VALUE, combined with and / or / not and parentheses; keywords in any case.',
  '  FIELD  metrics.KEY (its last value), params.KEY, tags.KEY, or a run column:',
  `         ${runColumnNames.join(', ')}`,
  '  OP     = != < <= > >=   ~ !~ (case-insensitive substring)   like / not like (% wildcards)',
  '  VALUE  a number, "text" or \'text\', true, false, null (= null: the field is absent)',
  '  A run without the metric, param or tag never matches a comparison on it.',
  '  e.g.   metrics.test_accuracy > 0.9 and (params.optimizer = "adam" or params.lr <= 0.01)',
  '         not status = "failed" and tags.team ~ "vision"',
];

const DOCS: Record<string, HelpDoc> = {
  init: { examples: ['lamina init ./my-workspace'], notes: ['DIR defaults to the workspace (--workspace, $LAMINA_WORKSPACE or the platform default).'] },
  import: {
    options: [
      ['FILE|sample:ID', 'a .csv/.tsv/.json file, an image folder (one subfolder per class), a plugin format, or a built-in sample (lamina samples)'],
      ['--name N', 'the dataset name (default: the file name)'],
      ['--target COL', 'the column to predict (default: the last column)'],
      ['--task classification|regression', 'default: inferred from the target column'],
      ['--split TRAIN,VAL,TEST', 'fractions (default 0.7,0.15,0.15)'],
      ['--seed S', `seed of the split shuffle (default ${DEFAULT_SPLIT_SEED})`],
      ['--importer ID', "a plugin's dataset importer (default: chosen by extension)"],
      ['--image-size N', 'image folders: resize to N×N pixels (≥ 4)'],
      ['--slices SPEC', 'NIfTI / multi-frame DICOM: each (every slice a sample), A-B (a range), volume[:A-B] (one sample per volume, 3 slices as channels)'],
    ],
    examples: ['lamina import sample:iris', 'lamina import data.csv --target label --split 0.8,0.1,0.1'],
  },
  datasets: { examples: ['lamina datasets --json'] },
  samples: { examples: ['lamina samples', 'lamina import sample:digits-8x8'] },
  templates: {
    options: [['--params ID', "list the template's parameters (set them with lamina train --param NAME=VALUE) and their defaults"]],
    examples: ['lamina templates', 'lamina templates --params mlp'],
  },
  train: {
    options: [
      ['--dataset ID|NAME', 'the dataset (lamina datasets); required'],
      ['--model FILE|template:ID|NAME', 'a model file (.ts/.js), a template (lamina templates), or a model saved in the workspace; required unless --trainer'],
      ['--epochs N', `default ${DEFAULT_TRAIN_CONFIG.epochs}, or the template's own default`],
      ['--batch-size N', `default ${DEFAULT_TRAIN_CONFIG.batchSize}, or the template's own default`],
      ['--optimizer NAME', `one of ${OPTIMIZERS.join(', ')} (default: the model's choice)`],
      ['--lr X', "learning rate (default: the model's choice)"],
      ['--seed S', 'whole number ≥ 0 (default: drawn at random and recorded, so the run replays)'],
      ['--backend NAME', `one of ${BACKENDS.join(', ')} (default: the best one present, in that order)`],
      ['--experiment NAME', `group the run under an experiment (default "${DEFAULT_EXPERIMENT}")`],
      ['--name NAME', 'a name for the run'],
      ['--param NAME=VALUE', 'a model parameter (repeatable; lamina templates --params ID lists them); unknown names are refused'],
      ['--param-unchecked', 'record --param names the template does not read (refused otherwise)'],
      ['--tag KEY=VALUE', 'a tag (repeatable)'],
      ['--early-stopping N', `stop after N epochs without improvement (default ${DEFAULT_TRAIN_CONFIG.earlyStoppingPatience}: off)`],
      ['--early-stopping-monitor KEY', `the metric watched (default ${DEFAULT_TRAIN_CONFIG.earlyStoppingMonitor})`],
      ['--restore-best true|false', "with early stopping, put back the best epoch's weights before testing (templates: true)"],
      ['--lr-schedule NAME', 'step, exponential, cosine or plateau (default none); --lr-warmup N, --lr-decay F, --lr-step N, --lr-min X tune it'],
      ['--class-weight balanced', 'weigh classes by n / (classes · n_class) over the training rows (default none)'],
      ['--augment LIST', 'image datasets: flip[=horizontal|vertical|both], shift=F, rotate=DEG, zoom=F, brightness=F, contrast=F, cutout=F; any data: noise=F, mixup=ALPHA (e.g. flip,shift=0.1,rotate=10; default none; drawn from the seed, so runs replay)'],
      ['--clip-norm X / --clip-value X', 'gradient clipping (default off)'],
      ['--checkpoint-every N', 'save weights every N epochs (default 0: at the end only)'],
      ['--resume RUN', 'continue from a run’s last checkpoint'],
      ['--trainer ID', "a plugin's trainer in place of fit"],
    ],
    examples: [
      'lamina train --dataset iris --model template:mlp --epochs 30 --seed 7',
      'lamina train --dataset iris --model template:mlp --param hidden=64,32 --param dropout=0.2 --backend cpu',
      'lamina train --dataset digits-8x8 --model template:small-cnn --augment shift=0.1,rotate=10',
      'lamina train --dataset iris --model ./my-model.ts --experiment tuning --tag team=vision',
    ],
    notes: ['Ctrl-C cancels the run cleanly. Exit 0 when the run completes, 1 when it fails, 2 for bad usage or input.'],
  },
  runs: {
    options: [
      ['--experiment NAME', 'only runs of this experiment'],
      ['--filter EXPR', 'only runs matching EXPR (language below)'],
      ['--search TEXT', 'runs whose id, name, model, experiment, tags or params contain every word of TEXT'],
      ['--order-by KEY', 'sort key, - for descending (default -created_at): a run column, metrics.KEY, params.KEY or tags.KEY'],
      ['--limit N', 'at most N runs (default 1000)'],
    ],
    examples: [
      "lamina runs --filter 'metrics.test_accuracy > 0.9 and params.optimizer = \"adam\"'",
      'lamina runs --order-by -metrics.test_accuracy --limit 5',
      'lamina runs --json',
    ],
    notes: FILTER_LANGUAGE,
  },
  summary: {
    options: [
      ['--model FILE|template:ID|NAME', 'the model: a file, a template or a model saved in the workspace'],
      ['--dataset D', 'the dataset whose input shape and classes the model is built for (name or id)'],
      ['--param K=V', "a model parameter, as in lamina train (repeatable)"],
    ],
    examples: ['lamina summary --model template:mlp --dataset iris', 'lamina summary --model template:lstm --dataset iris --param units=64 --json'],
    notes: ['Nothing is trained. The same summary is stored with every run (model-summary.json) and printed by lamina show.'],
  },
  doctor: {
    options: [
      ['WORKSPACE', 'the workspace to check (default: --workspace, $LAMINA_WORKSPACE or the platform default)'],
      ['--export DIR', 'also copy every row that can still be read from lamina.db into DIR (one TABLE.jsonl per table, export.json says what was read and what stopped it); the database is opened read-only'],
    ],
    examples: ['lamina doctor', 'lamina doctor ./my-workspace --json', 'lamina doctor --export ./rescued'],
    notes: ['Nothing is changed: no migration, no sweep of .part files, no trust. Exit 1 when a check fails.'],
  },
  show: { examples: ['lamina show 3f2a   # a unique prefix of the run id will do'] },
  replay: {
    options: [['--tolerance X', 'largest |difference| accepted per metric (default 0 on cpu and wasm: bit for bit; 1e-4 on tensorflow)']],
    examples: ['lamina replay 3f2a'],
    notes: ['Shows progress on a terminal. Exit 0 when every recorded metric matches, 1 when one diverged.'],
  },
  export: {
    options: [
      ['--format json|csv', 'default json (any case: CSV works)'],
      ['--out FILE', 'write to FILE (default: stdout)'],
    ],
    examples: ['lamina export 3f2a --format csv --out run.csv', 'lamina export 3f2a --format csv | head -5'],
  },
  serve: {
    options: [
      ['--host ADDR', 'default 127.0.0.1 (this machine only)'],
      ['--port N', 'the port to listen on'],
    ],
    examples: ['lamina serve'],
  },
  plugins: { options: [['--no-check', 'list without loading each plugin to check it']], examples: ['lamina plugins'] },
  plugin: {
    options: [
      ['create DIR --name N', 'write a working plugin (template, metric, view, tests) into DIR'],
      ['validate DIR', "check a plugin's manifest (runs none of its code)"],
      ['install DIR|TGZ', 'copy a plugin (or an `npm pack` tarball) into the workspace and load it once'],
      ['uninstall ID', "remove a plugin installed in the workspace"],
      ['enable ID / disable ID', 'switch a plugin on or off'],
      ['run ID COMMAND [--arg k=v]…', "run a plugin's command"],
    ],
    examples: ['lamina plugin create ./acme --name "Acme"', 'lamina plugin install ./acme', 'lamina plugin uninstall acme'],
  },
  sweep: {
    options: [
      ['create SPEC', 'record a sweep from a W&B-format spec (YAML or JSON; docs/SWEEPS.md) and print its id; nothing trains yet'],
      ['run SWEEP', 'run (or resume) the sweep here until its grid, run_cap or time_budget is used up; trials cut off by a dead process are re-queued once'],
      ['--parallel N', 'trials training at once on this machine (default 1)'],
      ['--queue redis://HOST:PORT', 'send the trials to workers on a BullMQ queue instead (when the build has the queue executor)'],
      ['show SWEEP', 'the trials (run, status, params, metric) and the best one'],
      ['stop SWEEP', 'stop a sweep; the process running it cancels its running trials'],
      ['list', 'every sweep of the workspace'],
    ],
    examples: ['lamina sweep create sweep.yaml', 'lamina sweep run 3f2a9c --parallel 2', 'lamina sweep show 3f2a9c --json'],
    notes: ['Parameters named like lamina train options (learning_rate, batch_size, epochs, optimizer, …) set them; any other name is a model/trainer --param.', 'Ctrl-C during run stops the sweep; run it again to resume.'],
  },
};

const GLOBAL = [
  ['--workspace DIR', 'the workspace (default $LAMINA_WORKSPACE, else the platform app-data folder)'],
  ['--json', 'print one JSON document on stdout (human text goes to stderr)'],
  ['-h, --help', 'this help'],
] as const;

function rows(list: readonly (readonly [string, string])[]): string[] {
  const width = Math.min(34, Math.max(...list.map(([flag]) => flag.length)));
  return list.map(([flag, text]) => (flag.length > width ? `  ${flag}\n  ${''.padEnd(width)}  ${text}` : `  ${flag.padEnd(width)}  ${text}`));
}

export function commandHelp(command: Command): string {
  const doc = DOCS[command.name] ?? {};
  const parts = [`Usage: ${command.usage}`, `  ${command.summary}`];
  if (doc.options?.length) parts.push('', 'Options:', ...rows(doc.options));
  parts.push('', 'Global options:', ...rows(GLOBAL));
  if (doc.notes?.length) parts.push('', ...doc.notes);
  if (doc.examples?.length) parts.push('', 'Examples:', ...doc.examples.map((e) => `  ${e}`));
  parts.push('', 'Exit codes: 0 success, 1 failed (or a replay diverged), 2 bad usage or input.');
  return parts.join('\n');
}
