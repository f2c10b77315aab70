/** App-wide UI state: current view, theme, and the notifier the providers hand us. */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type ViewName = 'datasets' | 'models' | 'train' | 'experiments' | 'plugins' | 'sweeps';
export const VIEWS: ViewName[] = ['datasets', 'models', 'train', 'experiments', 'plugins', 'sweeps'];

export interface Notifier {
  success(title: string, content?: string): void;
  error(title: string, content?: string): void;
  info(title: string, content?: string): void;
}

export const useUiStore = defineStore('ui', () => {
  const view = ref<ViewName>('datasets');
  const stored = localStorage.getItem('lamina.theme');
  const dark = ref<boolean>(stored ? stored === 'dark' : window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);
  watch(dark, (d) => localStorage.setItem('lamina.theme', d ? 'dark' : 'light'));
  // Filled by <Notifier> inside Naive UI's providers; no-ops until it mounts.
  const notifier = ref<Notifier>({ success() {}, error() {}, info() {} });
  /** Run to open when the experiments view shows (from a notification or the train view). */
  const focusRunId = ref<string | null>(null);

  function go(v: ViewName) {
    view.value = v;
  }
  return { view, dark, notifier, focusRunId, go };
});
