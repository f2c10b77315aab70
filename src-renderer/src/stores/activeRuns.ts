/**
 * The workspace's running runs, whoever started them: this window, another tab, the CLI or a
 * worker. The core answers from the store (every owner writes its runs' progress there), so a
 * reload or a second tab sees the same list; run events make it refresh at once, and a slow poll
 * catches runs that other processes start and end. Every page reads this one store.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call } from '../api/client';
import type { ApiEvent, ApiOutput } from '../../../src-main/core/api/contract';

export type ActiveRun = ApiOutput<'runs.active'>[number];

/** Poll while runs are active (progress of runs owned elsewhere), slower when idle (runs started elsewhere). */
const BUSY_POLL_MS = 1500;
const IDLE_POLL_MS = 4000;

export const useActiveRunsStore = defineStore('activeRuns', () => {
  const runs = ref<ActiveRun[]>([]);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;

  const count = computed(() => runs.value.length);
  const byId = computed(() => new Map(runs.value.map((r) => [r.id, r])));

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      runs.value = await call('runs.active', {});
      loaded.value = true;
    } catch {
      /* the core is unreachable for a moment: keep the last list */
    } finally {
      inFlight = false;
    }
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      async () => {
        if (document.visibilityState !== 'hidden') await refresh();
        schedule();
      },
      runs.value.length ? BUSY_POLL_MS : IDLE_POLL_MS,
    );
  }

  function start() {
    void refresh().then(schedule);
  }

  /** Live progress of runs this core owns arrives as events: apply it without waiting for the poll. */
  function onEvent(e: ApiEvent) {
    if (e.type === 'run.started' || e.type === 'run.finished') void refresh();
    else if (e.type === 'run.progress') {
      const r = byId.value.get(e.runId);
      if (r) r.progress = { epoch: e.epoch, epochs: e.epochs, batch: e.batch, batches: e.batches, loss: e.loss, etaMs: e.etaMs, updatedAt: Date.now() };
    }
  }

  async function cancel(runId: string) {
    await call('runs.cancel', { runId });
    const r = byId.value.get(runId);
    if (r) r.cancelRequested = true;
    void refresh();
  }

  return { runs, loaded, count, byId, refresh, start, onEvent, cancel };
});

/** Percent done from a progress record (0 before the first batch). */
export function progressPercent(p: ActiveRun['progress']): number {
  if (!p || p.epochs <= 0 || p.batches <= 0) return 0;
  return Math.min(100, Math.round((100 * ((p.epoch - 1) * p.batches + p.batch)) / (p.epochs * p.batches)));
}

/** "1m 05s left", "12s left", or '' while unknown. */
export function etaText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s left` : `${s}s left`;
}
