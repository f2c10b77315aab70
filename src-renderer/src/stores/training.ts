/** The train form and the live state of the run it started. */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, triggerRef } from 'vue';
import { call } from '../api/client';
import type { ApiEvent, ApiInput, ApiOutput } from '../../../src-main/core/api/contract';
import type { ChartPoint } from '../charts/metricChart';

export type RunRecord = ApiOutput<'runs.start'>;
type Config = NonNullable<ApiInput<'runs.start'>['config']>;

export interface TrainForm {
  dataset: string | null;
  /**
   * `template:<id>`, `model:<name>`, or `editor:<kind>:<key>`: the document open in the model
   * editor exactly as shown there, unsaved edits included.
   */
  model: string | null;
  optimizer: Config['optimizer'];
  learningRate: number | null;
  /** null: the model's own default (a template's `meta.defaults`), shown as the placeholder. */
  epochs: number | null;
  batchSize: number | null;
  seed: number;
  /** null: the model's own default (templates stop early with patience 5–10). 0 = off. */
  earlyStoppingPatience: number | null;
  /** null: the model's own default (templates: on). */
  restoreBestWeights: boolean | null;
  /** Learning-rate schedule and its warm-up; 'none' = constant rate. */
  lrSchedule: NonNullable<Config['lrSchedule']>;
  lrWarmupEpochs: number;
  /** 'balanced' weighs classes inversely to their training counts. */
  classWeight: NonNullable<Config['classWeight']>;
  /** Data augmentation; empty = off. */
  augmentation: NonNullable<Config['augmentation']>;
  backend: Config['backend'];
  experiment: string;
  /** Plugin trainer id, or null for TensorFlow.js fit. */
  trainer: string | null;
  /** The trainer's declared parameters the user set (sent as params; unset ones take their defaults). */
  trainerParams: Record<string, string | number | boolean>;
  /** The model's own `ctx.param(...)` values the user set (unset ones keep the source's defaults). */
  modelParams: Record<string, string | number | boolean>;
  /** Gradient clipping by global norm; null: the model's own (LSTM: 1). */
  clipNorm: number | null;
}

export interface LiveProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  etaMs: number | null;
}

/** Series keyed by metric, as recorded (step, epoch, time, value): the chart picks the x-axis. */
export type Series = Record<string, ChartPoint[]>;

export const isBatchKey = (k: string) => /^batch\//.test(k);

export const useTrainingStore = defineStore('training', () => {
  const form = reactive<TrainForm>({
    dataset: null,
    model: null,
    optimizer: null,
    learningRate: null,
    epochs: null,
    batchSize: null,
    seed: 42,
    earlyStoppingPatience: null,
    restoreBestWeights: null,
    lrSchedule: 'none',
    lrWarmupEpochs: 0,
    classWeight: 'none',
    augmentation: {},
    backend: null,
    experiment: 'Default',
    trainer: null,
    trainerParams: {},
    modelParams: {},
    clipNorm: null,
  });
  const run = ref<RunRecord | null>(null);
  const status = ref<RunRecord['status'] | null>(null);
  const error = ref<string | null>(null);
  const backend = ref<{ name: string; reason: string } | null>(null);
  const progress = ref<LiveProgress | null>(null);
  // Series grow by thousands of points: keep them out of deep reactivity and trigger by hand.
  const series = shallowRef<Series>({});
  const batchesPerEpoch = ref<number | null>(null);
  const startError = ref<string | null>(null);
  const starting = ref(false);
  let pending: ApiEvent[] = [];
  /**
   * Charts redraw at most this often: a small model reports hundreds of batches a second, and
   * redrawing on each kept the page too busy to answer the pointer (no tooltip, no zoom).
   */
  const DRAW_INTERVAL_MS = 300;
  let drawTimer: ReturnType<typeof setTimeout> | null = null;
  function scheduleDraw() {
    drawTimer ??= setTimeout(() => {
      drawTimer = null;
      triggerRef(series);
    }, DRAW_INTERVAL_MS);
  }

  const active = computed(() => status.value === 'running' || status.value === 'queued' || starting.value);
  const percent = computed(() => {
    const p = progress.value;
    // A completed run is done, also when early stopping ended it before its last epoch.
    if (status.value === 'completed') return 100;
    if (!p) return 0;
    return Math.min(100, Math.round((100 * ((p.epoch - 1) * p.batches + p.batch)) / (p.epochs * p.batches)));
  });

  async function start(resolveModel: (value: string) => Promise<{ model: string; modelName?: string }>) {
    if (!form.dataset || !form.model || active.value) return;
    startError.value = null;
    starting.value = true;
    pending = [];
    run.value = null;
    status.value = null;
    try {
      const { model, modelName } = await resolveModel(form.model);
      series.value = {};
      batchesPerEpoch.value = null;
      progress.value = null;
      backend.value = null;
      error.value = null;
      const r = await call('runs.start', {
        dataset: form.dataset,
        model,
        modelName,
        experiment: form.experiment.trim() || undefined,
        config: {
          ...(form.epochs !== null ? { epochs: form.epochs } : {}),
          ...(form.batchSize !== null ? { batchSize: form.batchSize } : {}),
          seed: form.seed,
          optimizer: form.optimizer,
          learningRate: form.learningRate,
          backend: form.backend,
          ...(form.earlyStoppingPatience !== null ? { earlyStoppingPatience: form.earlyStoppingPatience } : {}),
          ...(form.restoreBestWeights !== null ? { restoreBestWeights: form.restoreBestWeights } : {}),
          ...(form.lrSchedule !== 'none' ? { lrSchedule: form.lrSchedule } : {}),
          ...(form.lrWarmupEpochs > 0 ? { lrWarmupEpochs: form.lrWarmupEpochs } : {}),
          ...(form.classWeight !== 'none' ? { classWeight: form.classWeight } : {}),
          ...(Object.keys(form.augmentation).length ? { augmentation: { ...form.augmentation } } : {}),
          ...(form.clipNorm !== null ? { clipNorm: form.clipNorm } : {}),
          ...(form.trainer
            ? { trainer: form.trainer, params: { ...form.modelParams, ...form.trainerParams } }
            : Object.keys(form.modelParams).length > 0
              ? { params: { ...form.modelParams } }
              : {}),
        },
      });
      run.value = r;
      status.value = r.status;
      if (r.backend) backend.value = { name: r.backend, reason: r.backendReason ?? '' };
      // Events of this run may have arrived before the answer did: replay them now.
      const early = pending.filter((e) => 'runId' in e && e.runId === r.id);
      pending = [];
      for (const e of early) onEvent(e);
    } catch (err) {
      startError.value = (err as Error).message;
    } finally {
      starting.value = false;
    }
  }

  async function cancel() {
    if (run.value) await call('runs.cancel', { runId: run.value.id });
  }

  function push(key: string, p: ChartPoint) {
    const s = series.value;
    (s[key] ??= []).push(p);
  }

  /** Live events for the current run (routed here by main.ts). Returns true when it was ours. */
  function onEvent(e: ApiEvent): boolean {
    if (!('runId' in e)) return false;
    if (starting.value && (!run.value || e.runId !== run.value.id)) {
      if (pending.length < 5000) pending.push(e);
      return false;
    }
    if (!run.value || e.runId !== run.value.id) return false;
    switch (e.type) {
      case 'run.started':
        status.value = 'running';
        break;
      case 'run.backend':
        backend.value = { name: e.backend, reason: e.reason };
        break;
      case 'run.progress':
        status.value = 'running';
        progress.value = { epoch: e.epoch, epochs: e.epochs, batch: e.batch, batches: e.batches, loss: e.loss, etaMs: e.etaMs };
        batchesPerEpoch.value = e.batches;
        break;
      case 'run.metrics':
        // Points keep step, epoch and time: the chart computes its x (per-batch points land on
        // the epoch axis as step / batches per epoch, known only once progress says `batches`).
        for (const p of e.points) push(p.key, { step: p.step, epoch: p.epoch, time: p.time, value: p.value });
        scheduleDraw();
        break;
      case 'run.finished':
        triggerRef(series);
        status.value = e.status;
        error.value = e.error;
        break;
    }
    return true;
  }

  return { form, run, status, error, backend, progress, series, batchesPerEpoch, startError, starting, active, percent, start, cancel, onEvent };
});
