/** Model sources: built-in templates, the user's saved models, the open document and its inspection. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { call } from '../api/client';
import type { ApiOutput } from '../../../src-main/core/api/contract';

export type TemplateInfo = ApiOutput<'templates.list'>[number];
export type ModelInspection = ApiOutput<'models.inspect'>;

export interface OpenDocument {
  kind: 'template' | 'model';
  /** Template id, or the saved model's name. */
  key: string;
  title: string;
  source: string;
  /** Source as last saved (templates: as shipped); differs from `source` when dirty. */
  saved: string;
}

/** The Train form's reference to the document open in the editor (see TrainForm.model). */
export const editorModelRef = (d: Pick<OpenDocument, 'kind' | 'key'>) => `editor:${d.kind}:${d.key}`;

export const useModelsStore = defineStore('models', () => {
  const templates = ref<TemplateInfo[]>([]);
  const saved = ref<{ name: string; updatedAt: string }[]>([]);
  const doc = ref<OpenDocument | null>(null);
  const inspectDataset = ref<string | null>(null);
  const inspection = ref<ModelInspection | null>(null);
  const inspecting = ref(false);
  let inspectTimer: ReturnType<typeof setTimeout> | null = null;
  let inspectSeq = 0;

  const dirty = computed(() => !!doc.value && doc.value.source !== doc.value.saved);

  async function refresh() {
    const [t, m] = await Promise.all([call('templates.list', {}), call('models.list', {})]);
    templates.value = t;
    saved.value = m;
  }

  function openTemplate(id: string) {
    const t = templates.value.find((x) => x.id === id);
    if (!t) return;
    doc.value = { kind: 'template', key: t.id, title: t.name, source: t.source, saved: t.source };
    forgetInspection();
    scheduleInspect(0);
  }

  async function openModel(name: string) {
    const { source } = await call('models.read', { name });
    doc.value = { kind: 'model', key: name, title: name, source, saved: source };
    forgetInspection();
    scheduleInspect(0);
  }

  /** Another document (or dataset): the old summary and errors describe something else now. */
  function forgetInspection() {
    inspectSeq++;
    inspection.value = null;
    inspecting.value = false;
  }

  function edit(source: string) {
    if (!doc.value) return;
    doc.value.source = source;
    scheduleInspect(600);
  }

  /** Debounced: typing fires many edits; only the last one is inspected, and stale answers are dropped. */
  function scheduleInspect(delay: number) {
    if (inspectTimer) clearTimeout(inspectTimer);
    inspectTimer = setTimeout(() => void inspect(), delay);
  }

  async function inspect() {
    if (!doc.value || !inspectDataset.value) {
      inspection.value = null;
      return;
    }
    const seq = ++inspectSeq;
    inspecting.value = true;
    try {
      const r = await call('models.inspect', { source: doc.value.source, dataset: inspectDataset.value });
      if (seq === inspectSeq) inspection.value = r;
    } catch (err) {
      if (seq === inspectSeq) inspection.value = { ok: false, summary: null, error: { message: (err as Error).message } };
    } finally {
      if (seq === inspectSeq) inspecting.value = false;
    }
  }

  /** Save the open document as `name` (a template is saved as a new user model). */
  async function save(name?: string) {
    if (!doc.value) return;
    const target = name ?? (doc.value.kind === 'model' ? doc.value.key : null);
    if (!target) throw new Error('choose a name to save this template as your own model');
    await call('models.save', { name: target, source: doc.value.source });
    doc.value = { kind: 'model', key: target, title: target, source: doc.value.source, saved: doc.value.source };
    await refresh();
  }

  async function rename(to: string) {
    if (!doc.value || doc.value.kind !== 'model') return;
    await call('models.rename', { from: doc.value.key, to });
    doc.value = { ...doc.value, key: to, title: to };
    await refresh();
  }

  async function duplicate(to: string) {
    if (!doc.value) return;
    await call('models.save', { name: to, source: doc.value.source });
    await refresh();
    await openModel(to);
  }

  async function remove() {
    if (!doc.value || doc.value.kind !== 'model') return;
    await call('models.delete', { name: doc.value.key });
    doc.value = null;
    inspection.value = null;
    await refresh();
  }

  /** A free name like "mlp-copy", "mlp-copy-2". */
  function freeName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9 _.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
    const names = new Set(saved.value.map((m) => m.name));
    let name = `${clean}-copy`;
    for (let i = 2; names.has(name); i++) name = `${clean}-copy-${i}`;
    return name;
  }

  return { templates, saved, doc, dirty, inspectDataset, inspection, inspecting, refresh, openTemplate, openModel, edit, scheduleInspect, forgetInspection, save, rename, duplicate, remove, freeName };
});
