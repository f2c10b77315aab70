/** Datasets: the catalog list, the selected dataset, and the import in progress. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call, importPicked, ApiCallError, type PickedFile } from '../api/client';
import type { ApiInput, ApiOutput } from '../../../src-main/core/api/contract';

export type DatasetMeta = ApiOutput<'datasets.get'>;
export type ImportSettings = Omit<ApiInput<'datasets.importUpload'>, 'uploadId' | 'entry'>;

export interface ImportState {
  phase: string;
  /** 0..100, or null when the total is unknown. */
  percent: number | null;
}

export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<DatasetMeta[]>([]);
  const loaded = ref(false);
  const selectedId = ref<string | null>(null);
  const importing = ref<ImportState | null>(null);
  const importError = ref<ApiCallError | null>(null);
  let progressId: string | null = null;

  const selected = computed(() => list.value.find((d) => d.id === selectedId.value) ?? null);
  /** Most recent first. */
  const recent = computed(() => [...list.value].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));

  async function refresh() {
    list.value = await call('datasets.list', {});
    loaded.value = true;
    if (selectedId.value && !list.value.some((d) => d.id === selectedId.value)) selectedId.value = null;
    if (!selectedId.value && list.value.length > 0) selectedId.value = recent.value[0]!.id;
  }

  /** One import at a time: progress while `work` runs, then the list refreshed and the new dataset selected. */
  async function runImport(start: ImportState, work: () => Promise<DatasetMeta>): Promise<DatasetMeta | null> {
    importError.value = null;
    importing.value = start;
    try {
      const meta = await work();
      await refresh();
      selectedId.value = meta.id;
      return meta;
    } catch (err) {
      importError.value = err instanceof ApiCallError ? err : new ApiCallError('import', { code: 'internal', message: String(err) });
      return null;
    } finally {
      importing.value = null;
      progressId = null;
    }
  }

  function importFiles(picked: PickedFile[], settings: ImportSettings): Promise<DatasetMeta | null> {
    const id = `imp-${Date.now().toString(36)}`;
    progressId = id;
    return runImport({ phase: 'uploading', percent: 0 }, () =>
      importPicked(picked, { ...settings, progressId: id }, (sent, total) => {
        importing.value = { phase: 'uploading', percent: total > 0 ? Math.round((100 * sent) / total) : null };
      }),
    );
  }

  function onImportProgress(e: { progressId: string; phase: string; done: number; total: number | null }) {
    if (!importing.value || e.progressId !== progressId) return;
    importing.value = { phase: e.phase, percent: e.total ? Math.min(100, Math.round((100 * e.done) / e.total)) : null };
  }

  /** The built-in sample datasets, loaded once. */
  const samples = ref<ApiOutput<'datasets.samples'>>([]);
  async function ensureSamples() {
    if (samples.value.length === 0) samples.value = await call('datasets.samples', {});
  }

  /** Import a built-in sample (no upload: the core has the file). */
  function importSample(id: string): Promise<DatasetMeta | null> {
    return runImport({ phase: 'importing', percent: null }, () => call('datasets.importSample', { sample: id }));
  }

  async function remove(id: string) {
    await call('datasets.delete', { dataset: id });
    await refresh();
  }

  return { list, loaded, selectedId, selected, recent, importing, importError, samples, refresh, importFiles, importSample, ensureSamples, onImportProgress, remove };
});
