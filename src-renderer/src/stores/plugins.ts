/** Plugins: what is installed, and what the enabled ones contribute to the other views. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call } from '../api/client';
import type { ApiOutput } from '../../../src-main/core/api/contract';
import type { TrainerDeclaration } from '../../../plugins/sdk/src/params';

export type PluginInfo = ApiOutput<'plugins.list'>[number];
export type PluginViewRef = ApiOutput<'plugins.views'>[number];

export const usePluginsStore = defineStore('plugins', () => {
  const list = ref<PluginInfo[]>([]);
  const views = ref<PluginViewRef[]>([]);
  /** Plugin API 1.2: views shown as tabs of the Datasets page. */
  const datasetViews = ref<PluginViewRef[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let loaded: Promise<void> | null = null;

  const active = computed(() => list.value.filter((p) => p.enabled && !p.error && p.contributes));
  /** Importers of enabled plugins, with the plugin that brings each. */
  const importers = computed(() =>
    active.value.flatMap((p) => p.contributes!.datasetImporters.map((i) => ({ ...i, pluginId: p.id }))),
  );
  const trainers = computed(() =>
    active.value.flatMap((p) =>
      p.contributes!.trainers.map((t) => {
        // Plugin API 1.1.0: declared tasks and parameters (absent for 1.0 plugins).
        const d = t as unknown as Pick<TrainerDeclaration, 'tasks' | 'params' | 'description'>;
        return { id: t.id, name: t.name, pluginId: p.id, description: d.description ?? '', tasks: d.tasks ?? null, params: d.params ?? [] };
      }),
    ),
  );
  const importerExtensions = computed(() => [...new Set(importers.value.flatMap((i) => i.extensions))]);

  async function loadViews(): Promise<void> {
    const [run, dataset] = await Promise.all([call('plugins.views', {}), call('plugins.views', { location: 'dataset' })]);
    views.value = run;
    datasetViews.value = dataset;
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const [l] = await Promise.all([call('plugins.list', {}), loadViews()]);
      list.value = l;
    } catch (err) {
      error.value = (err as Error).message;
    } finally {
      loading.value = false;
    }
  }
  /** Load once (views that only need contributions call this). */
  function ensure(): Promise<void> {
    loaded ??= refresh();
    return loaded;
  }

  async function check(): Promise<void> {
    loading.value = true;
    try {
      list.value = await call('plugins.check', {});
      await loadViews();
    } finally {
      loading.value = false;
    }
  }

  async function setEnabled(id: string, enabled: boolean): Promise<PluginInfo> {
    const info = await call('plugins.setEnabled', { id, enabled });
    list.value = list.value.map((p) => (p.id === id ? info : p));
    await loadViews();
    return info;
  }

  async function install(path: string): Promise<PluginInfo> {
    const info = await call('plugins.install', { path });
    await refresh();
    return info;
  }

  /** Run a plugin's command; a command that throws disables its plugin, so the list is reloaded then. */
  async function runCommand(pluginId: string, commandId: string, args: Record<string, unknown> = {}): Promise<unknown> {
    try {
      return (await call('plugins.runCommand', { pluginId, commandId, args })).result;
    } catch (err) {
      await refresh();
      throw err;
    }
  }

  return { list, views, datasetViews, loading, error, active, importers, trainers, importerExtensions, refresh, ensure, check, setEnabled, install, runCommand };
});
