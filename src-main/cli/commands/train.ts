import type { BackendName, RunRecord, TrainConfig } from '../../core/domain';
import type { Lamina } from '../../core/lamina';
import type { Command } from '../command';
import { keyValues, num, str, usage } from '../args';
import { formatMetric, type Output } from '../output';
import { checkParams, chooseModel } from '../modelArg';
import { parseAugmentation } from '../../core/training/augmentation';
import { openQueue } from '../queueOption';

function bool(v: unknown, flag: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw usage(`--${flag} expects true or false, got "${String(v)}"`);
}

/** The final value of every epoch-level and test metric (per-batch series left out). */
export function finalMetrics(core: Lamina, runId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of core.queries.getMetricSummaries(runId)) if (!s.key.startsWith('batch/')) out[s.key] = s.last;
  return out;
}

export function runResult(core: Lamina, run: RunRecord) {
  return {
    id: run.id,
    status: run.status,
    experiment: run.experiment,
    model: run.modelName,
    dataset: run.datasetId,
    backend: run.backend,
    backendReason: run.backendReason,
    seed: run.seed,
    epochs: run.config.epochs,
    durationMs: run.durationMs,
    metrics: finalMetrics(core, run.id),
    ...(run.error ? { error: run.error } : {}),
  };
}

/** Follows a run's progress on a terminal; Ctrl-C cancels it cleanly. */
export async function followRun(core: Lamina, run: RunRecord, out: Output): Promise<RunRecord> {
  const bar = out.progress('training');
  const off = core.onEvent((e) => {
    if (e.type === 'run.progress' && e.runId === run.id) {
      const f = ((e.epoch - 1) * e.batches + e.batch) / (e.epochs * e.batches);
      const eta = e.etaMs !== null ? ` eta ${Math.ceil(e.etaMs / 1000)}s` : '';
      bar.update(f, `epoch ${e.epoch}/${e.epochs} loss ${formatMetric(e.loss)}${eta}`);
    } else if (e.type === 'run.backend' && e.runId === run.id) {
      out.warn(`backend: ${e.backend}${e.reason ? ` (${e.reason})` : ''}`);
    }
  });
  const onSigint = () => {
    out.warn('\ncancelling…');
    try {
      core.cancelRun(run.id);
    } catch {
      /* already ended */
    }
  };
  process.once('SIGINT', onSigint);
  try {
    return await core.waitForRun(run.id);
  } finally {
    process.off('SIGINT', onSigint);
    off();
    bar.done();
  }
}

/** `--augment flip,shift=0.1,…` → the spec; a mistake exits 2 naming the flag. */
function augmentArg(text: string | undefined): TrainConfig['augmentation'] {
  if (text === undefined) return undefined;
  try {
    return parseAugmentation(text);
  } catch (e) {
    throw usage(`--augment: ${(e as Error).message}`);
  }
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train, record the run, evaluate on the test split',
  usage:
    'lamina train --dataset ID|NAME --model FILE|template:ID [--epochs N] [--batch-size N] [--optimizer NAME] [--lr X] [--seed S] [--backend NAME] [--experiment NAME] [--param k=v]… [--param-unchecked] [--early-stopping N (0 = off)] [--restore-best true|false] [--lr-schedule step|exponential|cosine|plateau] [--lr-warmup N] [--lr-decay F] [--lr-step N] [--lr-min X] [--class-weight balanced] [--augment flip,shift=0.1,rotate=10,…] [--clip-norm X] [--clip-value X] [--checkpoint-every N] [--resume RUN] [--name NAME] [--tag k=v]… [--trainer ID] [--queue redis://[:PASSWORD@]HOST:PORT (train on a `lamina worker`)]',
  options: {
    dataset: { type: 'string' },
    model: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    experiment: { type: 'string' },
    param: { type: 'string', multiple: true },
    tag: { type: 'string', multiple: true },
    name: { type: 'string' },
    'early-stopping': { type: 'string' },
    'early-stopping-monitor': { type: 'string' },
    'restore-best': { type: 'string' },
    'lr-schedule': { type: 'string' },
    'lr-warmup': { type: 'string' },
    'lr-decay': { type: 'string' },
    'lr-step': { type: 'string' },
    'lr-min': { type: 'string' },
    'class-weight': { type: 'string' },
    augment: { type: 'string' },
    'clip-norm': { type: 'string' },
    'clip-value': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    resume: { type: 'string' },
    trainer: { type: 'string' },
    'param-unchecked': { type: 'boolean', default: false },
    queue: { type: 'string' },
  },
  async run({ args, out, core }) {
    const v = args.values;
    const dataset = str(v.dataset);
    const modelArg = str(v.model);
    if (!dataset) throw usage('lamina train needs --dataset ID|NAME');
    const trainer = str(v.trainer);
    if (!modelArg && !trainer) throw usage('lamina train needs --model FILE|template:ID (or --trainer ID)');
    const lamina = core();
    // The host loads TF.js while this process resolves the model and dataset.
    lamina.keepHostWarm('once');
    const { model, modelName, source } = modelArg ? chooseModel(lamina, modelArg) : { model: '', modelName: undefined, source: undefined };
    const params = keyValues(v.param as string[] | undefined, 'param');
    if (!trainer) checkParams(source, params, v['param-unchecked'] === true, (t) => out.warn(t));
    const tags = Object.fromEntries(Object.entries(keyValues(v.tag as string[] | undefined, 'tag')).map(([k, x]) => [k, String(x)]));
    const queue = await openQueue(lamina, str(v.queue), out);
    const run = await lamina.startRun({
      dataset,
      model,
      modelName,
      experiment: str(v.experiment),
      runName: str(v.name),
      tags,
      resumeFrom: str(v.resume),
      config: {
        epochs: num(v.epochs, 'epochs', { int: true, min: 1 }),
        batchSize: num(v['batch-size'], 'batch-size', { int: true, min: 1 }),
        optimizer: str(v.optimizer) ?? null,
        learningRate: num(v.lr, 'lr') ?? null,
        seed: num(v.seed, 'seed', { int: true, min: 0 }),
        backend: (str(v.backend) as BackendName | undefined) ?? null,
        earlyStoppingPatience: num(v['early-stopping'], 'early-stopping', { int: true, min: 0 }),
        earlyStoppingMonitor: str(v['early-stopping-monitor']),
        restoreBestWeights: bool(v['restore-best'], 'restore-best'),
        lrSchedule: str(v['lr-schedule']) as TrainConfig['lrSchedule'],
        lrWarmupEpochs: num(v['lr-warmup'], 'lr-warmup', { int: true, min: 0 }),
        lrDecay: num(v['lr-decay'], 'lr-decay'),
        lrStepEpochs: num(v['lr-step'], 'lr-step', { int: true, min: 1 }),
        lrMin: num(v['lr-min'], 'lr-min'),
        classWeight: str(v['class-weight']) as TrainConfig['classWeight'],
        augmentation: augmentArg(str(v.augment)),
        // Unset stays undefined, so a template's default (the LSTM's clip norm) applies.
        clipNorm: num(v['clip-norm'], 'clip-norm'),
        clipValue: num(v['clip-value'], 'clip-value') ?? null,
        checkpointEvery: num(v['checkpoint-every'], 'checkpoint-every', { int: true, min: 0 }),
        params,
        ...(trainer ? { trainer } : {}),
      },
    }).catch(async (e: unknown) => {
      await queue?.close();
      throw e;
    });
    out.warn(`run ${run.id} started (seed ${run.seed})`);
    const final = await followRun(lamina, run, out).finally(() => queue?.close());
    const result = runResult(lamina, final);
    out.result(result, () => humanRunSummary(result));
    return final.status === 'completed' ? 0 : 1;
  },
};

export function humanRunSummary(r: ReturnType<typeof runResult>): string {
  const lines = [`Run ${r.id} ${r.status} on ${r.backend ?? '?'} in ${((r.durationMs ?? 0) / 1000).toFixed(1)}s (seed ${r.seed})`];
  if (r.error) lines.push(`error: ${r.error}`);
  for (const [k, val] of Object.entries(r.metrics).sort()) lines.push(`  ${k.padEnd(24)} ${formatMetric(val)}`);
  return lines.join('\n');
}
