/** Sweeps: the list, the one shown, and polling while it runs (its trials change every few seconds). */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call } from '../api/client';
import type { ApiOutput } from '../../../src-main/core/api/contract';

export type SweepView = ApiOutput<'sweeps.get'>;
export type SweepTrial = SweepView['trials'][number];

/** How often a running sweep is fetched again. */
export const SWEEP_POLL_MS = 1500;

export const useSweepsStore = defineStore('sweeps', () => {
  const list = ref<SweepView[]>([]);
  const current = ref<SweepView | null>(null);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function refresh(): Promise<void> {
    try {
      list.value = await call('sweeps.list', {});
      error.value = null;
      const id = current.value?.id ?? list.value[0]?.id;
      current.value = id ? (list.value.find((s) => s.id === id) ?? null) : null;
    } catch (e) {
      error.value = (e as Error).message;
    }
    schedule();
  }

  async function select(id: string): Promise<void> {
    current.value = await call('sweeps.get', { id });
    schedule();
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (current.value?.status !== 'running') return;
    timer = setTimeout(async () => {
      timer = null;
      if (!current.value) return;
      try {
        const fresh = await call('sweeps.get', { id: current.value.id });
        if (current.value?.id === fresh.id) current.value = fresh;
        const i = list.value.findIndex((s) => s.id === fresh.id);
        if (i >= 0) list.value[i] = fresh;
      } catch (e) {
        error.value = (e as Error).message;
      }
      schedule();
    }, SWEEP_POLL_MS);
  }

  async function create(spec: string): Promise<SweepView> {
    const v = await call('sweeps.create', { spec });
    current.value = v;
    await refresh();
    return v;
  }

  async function start(parallel: number): Promise<void> {
    if (!current.value) return;
    current.value = await call('sweeps.start', { id: current.value.id, parallel });
    schedule();
  }

  async function stop(): Promise<void> {
    if (!current.value) return;
    current.value = await call('sweeps.stop', { id: current.value.id });
    schedule();
  }

  function dispose() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  return { list, current, error, refresh, select, create, start, stop, dispose };
});
