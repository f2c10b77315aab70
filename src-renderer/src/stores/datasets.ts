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

  async function importFiles(picked: PickedFile[], settings: ImportSettings): Promise<DatasetMeta | null> {
    importError.value = null;
    progressId = `imp-${Date.now().toString(36)}`;
    importing.value = { phase: 'uploading', percent: 0 };
    try {
      const meta = await importPicked(picked, { ...settings, progressId }, (sent, total) => {
        importing.value = { phase: 'uploading', percent: total > 0 ? Math.round((100 * sent) / total) : null };
      });
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

  function onImportProgress(e: { progressId: string; phase: string; done: number; total: number | null }) {
    if (!importing.value || e.progressId !== progressId) return;
    importing.value = { phase: e.phase, percent: e.total ? Math.min(100, Math.round((100 * e.done) / e.total)) : null };
  }

  async function remove(id: string) {
    await call('datasets.delete', { dataset: id });
    await refresh();
  }

  return { list, loaded, selectedId, selected, recent, importing, importError, refresh, importFiles, onImportProgress, remove };
});
