/**
 * Dataset view "DICOM viewer" (plugin API 1.2, location 'dataset'): thumbnails per class, one image
 * large, window/level by preset or by dragging (horizontal = width, vertical = level), the wheel
 * and the arrow keys step through images (a multi-frame file's frames are consecutive samples), and
 * the main tags of the image. Patient and study ids are personal data: shown only when asked.
 *
 * It windows the values the importer kept before its own window (Hounsfield units for CT), so a
 * lung preset shows lung even when the dataset was imported with a soft-tissue window; a dataset
 * without kept values is windowed on its stored 0–255 pixels. Runs in Lamina's sandboxed view
 * iframe and reads the dataset only through the bridge.
 */
import { getSamples, samplePixels, sampleValues, type DatasetSample, type DatasetSamplesPage } from '@lamina/plugin-sdk';
import type { LaminaViewGlobal, ViewApi } from '@lamina/plugin-sdk/viewBridge';
import { WINDOW_PRESETS, type Window } from './imaging/window';

declare const laminaView: LaminaViewGlobal;

const PAGE = 24;
const PRESET_LABELS: Record<string, string> = { lung: 'Lung', mediastinum: 'Mediastinum', 'soft-tissue': 'Soft tissue', bone: 'Bone', brain: 'Brain' };
const PRIVATE_TAGS = new Set(['PatientID', 'StudyID']);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const CSS = `
html[data-theme="dark"], html[data-theme="dark"] body { background: #18181c; color: #e6e6e6; }
html[data-theme="dark"] .dv { color: #e6e6e6; }
html[data-theme="dark"] .dv button { background: #2a2a30; border-color: #44444c; color: #e6e6e6; }
html[data-theme="dark"] .dv button[aria-pressed="true"] { background: #36ad6a; border-color: #36ad6a; color: #fff; }
html[data-theme="dark"] .dv td { border-bottom-color: #333; }
html[data-theme="dark"] .dv td:first-child, html[data-theme="dark"] .dv-muted, html[data-theme="dark"] .dv-hint { color: #9a9aa2; }
.dv { display: grid; grid-template-columns: minmax(220px, 340px) minmax(220px, 1fr); gap: 10px 14px; font: 12px system-ui, sans-serif; color: #222; }
.dv-bar { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.dv button { font: inherit; padding: 3px 8px; border: 1px solid #c8c8c8; background: #f6f6f6; border-radius: 4px; cursor: pointer; color: #222; }
.dv button[aria-pressed="true"] { background: #18a058; border-color: #18a058; color: #fff; }
.dv button:focus-visible, .dv canvas:focus-visible { outline: 2px solid #2080f0; outline-offset: 2px; }
.dv-stage { position: relative; background: #000; border-radius: 4px; aspect-ratio: 1; width: min(100%, calc(100vh - 120px)); min-width: 160px; }
.dv-stage canvas { width: 100%; height: 100%; image-rendering: pixelated; cursor: crosshair; display: block; border-radius: 4px; }
.dv-overlay { position: absolute; left: 6px; bottom: 4px; color: #eee; font: 11px ui-monospace, monospace; text-shadow: 0 0 2px #000; pointer-events: none; }
.dv-side { display: flex; flex-direction: column; gap: 8px; min-width: 0; }
.dv-presets { display: flex; flex-wrap: wrap; gap: 4px; }
.dv table { border-collapse: collapse; width: 100%; }
.dv td { padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; word-break: break-all; }
.dv td:first-child { color: #666; white-space: nowrap; width: 1%; }
.dv-thumbs { grid-column: 1 / -1; display: flex; gap: 4px; overflow-x: auto; padding-bottom: 4px; }
.dv-thumbs canvas { width: 48px; height: 48px; image-rendering: pixelated; border: 2px solid transparent; border-radius: 3px; cursor: pointer; flex: none; background: #000; }
.dv-thumbs canvas[aria-current="true"] { border-color: #18a058; }
.dv-muted { color: #666; }
.dv-hint { color: #666; font-size: 11px; }
`;

export interface ViewerState {
  window: Window;
  preset: string;
}

/** Windows values (h × w, gray) into RGBA for a canvas; the same VOI linear function as the importer. */
export function windowToRgba(values: ArrayLike<number>, w: Window, invert = false): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  const c = w.center - 0.5, width = Math.max(1, w.width) - 1 || 1;
  const lo = c - width / 2, hi = c + width / 2;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    let v = x <= lo ? 0 : x > hi ? 255 : ((x - c) / width + 0.5) * 255;
    if (invert) v = 255 - v;
    out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = v;
    out[i * 4 + 3] = 255;
  }
  return out;
}

function rgbaOf(s: DatasetSample, shape: number[], w: Window | null): Uint8ClampedArray {
  const [h, wd, c] = shape;
  const values = sampleValues(s);
  if (values && c === 1 && w) return windowToRgba(values, w);
  const px = samplePixels(s);
  if (c === 1 && w) return windowToRgba(px, w);
  const out = new Uint8ClampedArray(h * wd * 4);
  for (let i = 0; i < h * wd; i++) {
    out[i * 4] = px[i * c];
    out[i * 4 + 1] = px[i * c + (c === 3 ? 1 : 0)];
    out[i * 4 + 2] = px[i * c + (c === 3 ? 2 : 0)];
    out[i * 4 + 3] = 255;
  }
  return out;
}

function draw(canvas: HTMLCanvasElement, rgba: Uint8ClampedArray, h: number, w: number): void {
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
}

async function render(root: HTMLElement, view: ViewApi): Promise<void> {
  const datasetId = view.context.datasetId;
  if (!datasetId) {
    root.textContent = 'This view is shown for a dataset.';
    return;
  }
  root.append(el('style', {}, CSS));
  const first: DatasetSamplesPage = await getSamples(view, { datasetId, offset: 0, limit: 1 });
  const [h, w, c] = first.shape;
  const unit = first.hasValues ? first.valuesUnit ?? 'value' : 'stored 0–255';

  let label: string | null = null;
  let total = first.total;
  let index = 0;
  let showIds = false;
  let current: DatasetSample | null = null;
  // Window of the values in view: the file's when it has one, else the full range of what is shown.
  const defaultWindow = (s: DatasetSample | null): Window => {
    if (!first.hasValues || !s) return { center: 128, width: 256 };
    if (typeof s.meta.WindowCenter === 'number' && typeof s.meta.WindowWidth === 'number') return { center: s.meta.WindowCenter, width: s.meta.WindowWidth };
    // No window in the file (MR, say): the image's own range, as the importer's "auto".
    const v = sampleValues(s)!;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < v.length; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i]; }
    return Number.isFinite(lo) ? { center: (lo + hi + 1) / 2, width: Math.max(1, hi - lo + 1) } : { center: 128, width: 256 };
  };
  const state: ViewerState = { window: defaultWindow(first.samples[0] ?? null), preset: 'file' };
  const pages = new Map<string, Promise<DatasetSamplesPage>>();
  const page = (p: number) => {
    const key = `${label ?? ''}\u0000${p}`;
    if (!pages.has(key)) pages.set(key, getSamples(view, { datasetId, offset: p * PAGE, limit: PAGE, ...(label === null ? {} : { label }) }));
    return pages.get(key)!;
  };
  const sampleAt = async (i: number) => (await page(Math.floor(i / PAGE))).samples[i % PAGE] ?? null;

  const ui = el('div', { class: 'dv', 'data-testid': 'dicom-viewer' });
  const bar = el('div', { class: 'dv-bar', role: 'toolbar', 'aria-label': 'Classes' });
  const stage = el('div', { class: 'dv-stage' });
  const canvas = el('canvas', { tabindex: '0', 'data-testid': 'dicom-canvas', 'aria-label': 'Image: drag to change the window, wheel or arrow keys for the next image' });
  const overlay = el('div', { class: 'dv-overlay', 'data-testid': 'window-readout' });
  stage.append(canvas, overlay);
  const side = el('div', { class: 'dv-side' });
  const position = el('div', { 'data-testid': 'sample-position' });
  const presets = el('div', { class: 'dv-presets', role: 'group', 'aria-label': 'Window presets' });
  const tags = el('table', { 'data-testid': 'dicom-tags' });
  const idsToggle = el('button', { type: 'button', 'data-testid': 'show-ids', 'aria-pressed': 'false' }, 'Show patient / study IDs');
  const hint = el('div', { class: 'dv-hint' }, `Drag: ← → width, ↑ ↓ level · wheel or ↑ ↓ keys: next image · 1–6: presets · windowing ${unit}`);
  const thumbs = el('div', { class: 'dv-thumbs', 'data-testid': 'dicom-thumbs', 'aria-label': 'Thumbnails' });
  side.append(position, presets, tags, idsToggle, hint);
  ui.append(bar, stage, side, thumbs);
  root.append(ui);

  const presetButtons = new Map<string, HTMLButtonElement>();
  const presetList = [['file', first.hasValues ? 'File' : 'Full range'], ...Object.keys(WINDOW_PRESETS).filter(() => first.hasValues).map((k) => [k, PRESET_LABELS[k] ?? k])];
  for (const [id, text] of presetList) {
    const b = el('button', { type: 'button', 'data-testid': `preset-${id}`, 'aria-pressed': 'false' }, text);
    b.onclick = () => setPreset(id);
    presetButtons.set(id, b);
    presets.append(b);
  }

  function setPreset(id: string) {
    state.preset = id;
    state.window = id === 'file' ? defaultWindow(current) : { ...WINDOW_PRESETS[id] };
    paint();
  }

  function paint() {
    for (const [id, b] of presetButtons) b.setAttribute('aria-pressed', String(id === state.preset));
    if (!current) return;
    draw(canvas, rgbaOf(current, first.shape, c === 1 ? state.window : null), h, w);
    overlay.textContent = c === 1 ? `L ${Math.round(state.window.center)}  W ${Math.round(state.window.width)}` : 'RGB';
    canvas.dataset.windowCenter = String(Math.round(state.window.center));
    canvas.dataset.windowWidth = String(Math.round(state.window.width));
  }

  function showTags(s: DatasetSample) {
    tags.replaceChildren();
    const row = (k: string, v: string) => {
      const tr = el('tr');
      tr.append(el('td', {}, k), el('td', { 'data-tag': k }, v));
      tags.append(tr);
    };
    row('Label', s.label);
    row('Split', s.split);
    const m = s.meta;
    if (m.Modality !== undefined) row('Modality', String(m.Modality));
    row('Size', m.Rows !== undefined ? `${m.Rows} × ${m.Columns} (stored ${h} × ${w})` : `${h} × ${w}`);
    if (m.PixelSpacing !== undefined) row('Spacing (mm)', `${String(m.PixelSpacing).replace('\\', ' × ')}${m.StoredSpacing ? ` (stored ${String(m.StoredSpacing).replace('\\', ' × ')})` : ''}`);
    if (m.TransferSyntax !== undefined) row('Transfer syntax', String(m.TransferSyntax));
    if (m.file !== undefined) row('File', `${m.file}${typeof m.frames === 'number' && m.frames > 1 ? ` · frame ${Number(m.frame) + 1} / ${m.frames}` : ''}`);
    if (m.slice !== undefined) row('Slice', String(m.slice));
    for (const k of PRIVATE_TAGS) {
      if (m[k] === undefined) continue;
      row(k === 'PatientID' ? 'Patient ID' : 'Study ID', showIds ? String(m[k]) : 'hidden');
    }
  }

  async function go(i: number) {
    if (total === 0) return;
    index = Math.max(0, Math.min(total - 1, i));
    const s = await sampleAt(index);
    if (!s) return;
    current = s;
    if (state.preset === 'file') state.window = defaultWindow(s);
    position.textContent = `Image ${index + 1} / ${total}${label === null ? '' : ` of class ${label}`} · row ${s.index}`;
    canvas.dataset.index = String(s.index);
    showTags(s);
    paint();
    for (const t of thumbs.querySelectorAll('canvas')) t.setAttribute('aria-current', String(Number((t as HTMLCanvasElement).dataset.i) === index));
    // Keep the current thumbnail in view by scrolling the strip only (never the document).
    const t = thumbs.querySelector(`canvas[data-i="${index}"]`) as HTMLElement | null;
    if (t && (t.offsetLeft < thumbs.scrollLeft || t.offsetLeft + t.offsetWidth > thumbs.scrollLeft + thumbs.clientWidth)) thumbs.scrollLeft = t.offsetLeft - thumbs.clientWidth / 2;
  }

  async function loadThumbs() {
    thumbs.replaceChildren();
    const p = await page(0);
    p.samples.forEach((s, i) => {
      const t = el('canvas', { 'data-i': String(i), title: `${s.label} · row ${s.index}`, role: 'button', 'aria-label': `Image ${i + 1}: ${s.label}` });
      draw(t, rgbaOf(s, first.shape, c === 1 ? defaultWindow(s) : null), h, w);
      t.onclick = () => void go(i);
      thumbs.append(t);
    });
    if (total > p.samples.length) thumbs.append(el('span', { class: 'dv-muted' }, `… ${total - p.samples.length} more: wheel or arrow keys`));
  }

  async function setClass(next: string | null) {
    label = next;
    for (const b of bar.querySelectorAll('button')) b.setAttribute('aria-pressed', String((b as HTMLButtonElement).dataset.label === (next ?? '')));
    total = (await page(0)).total;
    await loadThumbs();
    await go(0);
  }

  const counts = await Promise.all(first.classes.map(async (k) => (await getSamples(view, { datasetId, offset: 0, limit: 1, label: k })).total));
  for (const [k, n] of [['', first.total] as const, ...first.classes.map((k, i) => [k, counts[i]] as const)]) {
    const b = el('button', { type: 'button', 'data-label': k, 'data-testid': `class-${k || 'all'}`, 'aria-pressed': 'false' }, `${k || 'All'} (${n})`);
    b.onclick = () => void setClass(k || null);
    bar.append(b);
  }

  idsToggle.onclick = () => {
    showIds = !showIds;
    idsToggle.setAttribute('aria-pressed', String(showIds));
    idsToggle.textContent = showIds ? 'Hide patient / study IDs' : 'Show patient / study IDs';
    if (current) showTags(current);
  };

  // Drag: horizontal changes the width, vertical the level (centre), scaled to the value range in view.
  let drag: { x: number; y: number; win: Window } | null = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, win: { ...state.window } };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const scale = Math.max(1, drag.win.width) / 200;
    state.preset = 'custom';
    state.window = { center: drag.win.center - (e.clientY - drag.y) * scale, width: Math.max(1, drag.win.width + (e.clientX - drag.x) * scale * 2) };
    paint();
  });
  const endDrag = () => (drag = null);
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    void go(index + (e.deltaY > 0 ? 1 : -1));
  }, { passive: false });
  ui.addEventListener('keydown', (e) => {
    const k = e.key;
    if (k === 'ArrowDown' || k === 'ArrowRight' || k === 'PageDown') void go(index + (k === 'PageDown' ? 10 : 1));
    else if (k === 'ArrowUp' || k === 'ArrowLeft' || k === 'PageUp') void go(index - (k === 'PageUp' ? 10 : 1));
    else if (k === 'Home') void go(0);
    else if (k === 'End') void go(total - 1);
    else if (/^[1-9]$/.test(k) && presetList[Number(k) - 1]) setPreset(presetList[Number(k) - 1][0]);
    else return;
    e.preventDefault();
  });

  await setClass(null);
  canvas.focus({ preventScroll: true });
}

if (typeof laminaView !== 'undefined') laminaView.register('dicom-viewer', render);
