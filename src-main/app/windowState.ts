/**
 * What the app remembers between launches (window bounds, recent workspaces) and how saved
 * bounds are fitted onto the displays present now. Pure: no Electron imports.
 */
import { isAbsolute } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AppState {
  window: { bounds: Rect | null; maximized: boolean };
  /** Absolute paths, most recent first. */
  recentWorkspaces: string[];
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 800, height: 560 };
export const MAX_RECENT = 10;
/** How much of the window must overlap a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 60 };

export function defaultAppState(): AppState {
  return { window: { bounds: null, maximized: false }, recentWorkspaces: [] };
}

function isRect(v: unknown): v is Rect {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
}

/** Reads the state file's text; anything missing, corrupt or of the wrong shape falls back to defaults. */
export function parseAppState(text: string | null): AppState {
  const state = defaultAppState();
  if (!text) return state;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return state;
  }
  if (!raw || typeof raw !== 'object') return state;
  const r = raw as { window?: { bounds?: unknown; maximized?: unknown }; recentWorkspaces?: unknown };
  if (r.window && isRect(r.window.bounds) && r.window.bounds.width > 0 && r.window.bounds.height > 0) {
    state.window.bounds = roundRect(r.window.bounds);
  }
  state.window.maximized = r.window?.maximized === true;
  if (Array.isArray(r.recentWorkspaces)) {
    for (const p of r.recentWorkspaces) {
      if (typeof p === 'string' && isAbsolute(p))
        state.recentWorkspaces = addRecentWorkspace(state.recentWorkspaces, p, true);
    }
  }
  return state;
}

/** Moves `dir` to the front (or, with `append`, adds it at the end), without duplicates, capped. */
export function addRecentWorkspace(list: readonly string[], dir: string, append = false): string[] {
  const rest = list.filter((p) => p !== dir);
  const next = append ? [...rest, dir] : [dir, ...rest];
  return next.slice(0, MAX_RECENT);
}

function roundRect(r: Rect): Rect {
  return { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

/**
 * Fits saved bounds onto the displays' work areas. A window kept where it was if enough of it
 * is on some display (then shrunk to fit that display and nudged fully onto it); otherwise —
 * no saved bounds, a monitor unplugged, a resolution changed — the default size, centred on the
 * first (primary) work area. Never smaller than MIN_SIZE unless the display itself is.
 */
export function fitBounds(saved: Rect | null, workAreas: readonly Rect[]): Rect {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height };
  let area = primary;
  let bounds: Rect | null = null;
  if (saved) {
    let best = -1;
    for (const wa of workAreas) {
      const o = overlap(saved, wa);
      if (o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height && o.width * o.height > best) {
        best = o.width * o.height;
        area = wa;
        bounds = { ...saved };
      }
    }
  }
  const size = (want: number, min: number, avail: number) => Math.min(Math.max(want, Math.min(min, avail)), avail);
  if (!bounds) {
    const width = size(DEFAULT_SIZE.width, MIN_SIZE.width, area.width);
    const height = size(DEFAULT_SIZE.height, MIN_SIZE.height, area.height);
    return roundRect({
      x: area.x + (area.width - width) / 2,
      y: area.y + (area.height - height) / 2,
      width,
      height,
    });
  }
  const width = size(bounds.width, MIN_SIZE.width, area.width);
  const height = size(bounds.height, MIN_SIZE.height, area.height);
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - height);
  return roundRect({ x, y, width, height });
}
