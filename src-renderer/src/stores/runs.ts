/** Experiments: a server-side paged, sorted and filtered view of the runs table. */
import { defineStore } from 'pinia';
import { computed, nextTick, reactive, ref, shallowRef, watch } from 'vue';
import { call } from '../api/client';
import type { ApiInput, ApiOutput } from '../../../src-main/core/api/contract';

export type RunListItem = ApiOutput<'runs.list'>['items'][number];
export type RunDetail = ApiOutput<'runs.detail'>;
type RunStatus = RunListItem['status'];

export const useRunsStore = defineStore('runs', () => {
  const query = reactive({
    search: '',
    filter: '',
    status: null as RunStatus | null,
    experiment: null as string | null,
    orderBy: '-createdAt',
    page: 1,
    pageSize: 100,
  });
  const items = shallowRef<RunListItem[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const lastFetchMs = ref<number | null>(null);
  const lastRenderMs = ref<number | null>(null);
  const experiments = ref<{ id: number; name: string; runs: number }[]>([]);
  const selected = ref<string[]>([]);
  let seq = 0;

  /**
   * Metric and param columns present on the current page, so the table shows what exists. Kept
   * as the same array while the keys stay the same: the table's column definitions (and so
   * its header and cell renderers) are then not rebuilt on every filter or page.
   */
  const allMetricKeys = stableKeys(() => {
    const keys = new Set<string>();
    for (const r of items.value) for (const k of Object.keys(r.metrics)) if (!k.startsWith('batch/')) keys.add(k);
    return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  });
  const allParamKeys = stableKeys(() => {
    const keys = new Set<string>();
    for (const r of items.value) for (const k of Object.keys(r.params)) keys.add(k);
    return [...keys].sort();
  });
  /** Params whose value differs between the shown runs: the ones worth a column (W&B does the same). */
  const varyingParamKeys = stableKeys(() =>
    allParamKeys.value.filter((k) => new Set(items.value.map((r) => r.params[k] ?? '')).size > 1),
  );

  /** The user's column choices (key → shown), kept across reloads; unset keys follow the defaults. */
  const columnChoice = ref<Record<string, boolean>>(loadColumnChoice());
  watch(columnChoice, (c) => localStorage.setItem(COLUMNS_KEY, JSON.stringify(c)), { deep: true });
  // system/* (samples/s, memory, CPU) are in the column picker but not shown unless chosen.
  const scoreKeys = computed(() => allMetricKeys.value.filter((k) => !k.startsWith('system/')));
  const metricShownByDefault = (k: string) => scoreKeys.value.indexOf(k) >= 0 && scoreKeys.value.indexOf(k) < 8;
  const paramShownByDefault = (k: string) => varyingParamKeys.value.indexOf(k) >= 0 && varyingParamKeys.value.indexOf(k) < 6;
  const metricKeys = stableKeys(() => allMetricKeys.value.filter((k) => columnChoice.value[`metrics.${k}`] ?? metricShownByDefault(k)));
  const paramKeys = stableKeys(() => allParamKeys.value.filter((k) => columnChoice.value[`params.${k}`] ?? paramShownByDefault(k)));
  function setColumnShown(key: string, shown: boolean) {
    columnChoice.value = { ...columnChoice.value, [key]: shown };
  }
  function resetColumns() {
    columnChoice.value = {};
  }

  /** Group the page's runs: by experiment, model, or a param (`params.<key>`); null = a flat list. */
  const groupBy = ref<string | null>(null);

  async function fetch() {
    const mySeq = ++seq;
    loading.value = true;
    error.value = null;
    const t0 = performance.now();
    const input: ApiInput<'runs.list'> = {
      limit: query.pageSize,
      offset: (query.page - 1) * query.pageSize,
      orderBy: query.orderBy,
    };
    if (query.search.trim()) input.search = query.search.trim();
    if (query.filter.trim()) input.filter = query.filter.trim();
    if (query.status) input.status = query.status;
    if (query.experiment) input.experiment = query.experiment;
    try {
      const res = await call('runs.list', input);
      if (mySeq !== seq) return;
      const t1 = performance.now();
      items.value = res.items;
      total.value = res.total;
      lastFetchMs.value = Math.round(t1 - t0);
      // Time to the next painted frame after the data landed: the table's own cost.
      void nextTick(() => requestAnimationFrame(() => (lastRenderMs.value = Math.round(performance.now() - t1))));
    } catch (err) {
      if (mySeq === seq) error.value = (err as Error).message;
    } finally {
      if (mySeq === seq) loading.value = false;
    }
  }

  async function refreshExperiments() {
    experiments.value = await call('experiments.list', {});
  }

  async function removeSelected() {
    for (const id of selected.value) await call('runs.delete', { runId: id });
    selected.value = [];
    await Promise.all([fetch(), refreshExperiments()]);
  }

  return {
    query,
    items,
    total,
    loading,
    error,
    lastFetchMs,
    lastRenderMs,
    experiments,
    selected,
    metricKeys,
    paramKeys,
    allMetricKeys,
    allParamKeys,
    varyingParamKeys,
    columnChoice,
    setColumnShown,
    resetColumns,
    groupBy,
    fetch,
    refreshExperiments,
    removeSelected,
  };
});

const COLUMNS_KEY = 'lamina.runColumns';
function loadColumnChoice(): Record<string, boolean> {
  try {
    const v = JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, boolean>) : {};
  } catch {
    return {};
  }
}

/** A computed list that keeps its previous array when the new one has the same entries. */
function stableKeys(get: () => string[]) {
  let last: string[] = [];
  return computed(() => {
    const next = get();
    if (next.length === last.length && next.every((k, i) => k === last[i])) return last;
    return (last = next);
  });
}

/** Test metrics first, then validation, then the rest. */
function rank(key: string): number {
  if (key.startsWith('test_')) return 0;
  if (key.startsWith('val_')) return 1;
  return 2;
}
