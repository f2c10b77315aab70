import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAppState, saveAppState, stateFilePath } from '../../../src-main/app/stateStore';
import {
  addRecentWorkspace,
  DEFAULT_SIZE,
  defaultAppState,
  fitBounds,
  MAX_RECENT,
  MIN_SIZE,
  parseAppState,
  type Rect,
} from '../../../src-main/app/windowState';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('fitting saved bounds onto the displays', () => {
  it('keeps bounds that are fully on a display', () => {
    const saved = { x: 100, y: 80, width: 1200, height: 800 };
    expect(fitBounds(saved, [laptop, rightMonitor])).toEqual(saved);
    const onSecond = { x: 2100, y: 50, width: 1600, height: 1000 };
    expect(fitBounds(onSecond, [laptop, rightMonitor])).toEqual(onSecond);
  });

  it('centres the default size when nothing was saved', () => {
    expect(fitBounds(null, [laptop])).toEqual({
      x: (1920 - DEFAULT_SIZE.width) / 2,
      y: Math.round((1050 - DEFAULT_SIZE.height) / 2),
      ...DEFAULT_SIZE,
    });
  });

  it('recentres on the primary display when the saved display is gone', () => {
    const onUnpluggedMonitor = { x: 2200, y: 100, width: 1400, height: 900 };
    const b = fitBounds(onUnpluggedMonitor, [laptop]);
    expect(b.width).toBe(DEFAULT_SIZE.width);
    expect(b.x + b.width).toBeLessThanOrEqual(1920);
  });

  it('pulls a window that hangs off the edge back on, and shrinks one larger than the display', () => {
    const hanging = { x: 1700, y: -40, width: 1000, height: 700 };
    expect(fitBounds(hanging, [laptop])).toEqual({ x: 920, y: 0, width: 1000, height: 700 });
    const huge = { x: 10, y: 10, width: 5000, height: 3000 };
    expect(fitBounds(huge, [laptop])).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });

  it('never goes below the minimum size unless the display is smaller', () => {
    expect(fitBounds({ x: 10, y: 10, width: 200, height: 100 }, [laptop])).toMatchObject(MIN_SIZE);
    const tiny = { x: 0, y: 0, width: 640, height: 480 };
    expect(fitBounds({ x: 0, y: 0, width: 1000, height: 800 }, [tiny])).toEqual(tiny);
  });

  it('ignores a sliver of overlap (a title bar must be reachable)', () => {
    const sliver = { x: 1900, y: 100, width: 1000, height: 700 }; // 20 px on the laptop
    const b = fitBounds(sliver, [laptop]);
    expect(b.width).toBe(DEFAULT_SIZE.width);
    expect(b.x).toBe((1920 - DEFAULT_SIZE.width) / 2);
  });
});

describe('app state file', () => {
  it('falls back to defaults for missing, corrupt or wrongly shaped state', () => {
    for (const text of [
      null,
      '',
      '{',
      'null',
      '42',
      '[]',
      '{"window":{"bounds":{"x":"1"}}}',
      '{"window":{"bounds":{"x":0,"y":0,"width":-5,"height":9}}}',
    ]) {
      expect(parseAppState(text)).toEqual(defaultAppState());
    }
  });

  it('keeps only absolute, distinct workspace paths, at most MAX_RECENT', () => {
    const recent = ['/a', 'relative/b', 42, '/a', '/c', ...Array.from({ length: 20 }, (_, i) => `/w${i}`)];
    const state = parseAppState(
      JSON.stringify({
        recentWorkspaces: recent,
        window: { bounds: { x: 1.4, y: 2, width: 900, height: 700 }, maximized: true },
      }),
    );
    expect(state.recentWorkspaces.slice(0, 3)).toEqual(['/a', '/c', '/w0']);
    expect(state.recentWorkspaces).toHaveLength(MAX_RECENT);
    expect(state.window).toEqual({ bounds: { x: 1, y: 2, width: 900, height: 700 }, maximized: true });
  });

  it('moves a reopened workspace to the front', () => {
    expect(addRecentWorkspace(['/a', '/b', '/c'], '/c')).toEqual(['/c', '/a', '/b']);
    expect(addRecentWorkspace([], '/x')).toEqual(['/x']);
  });

  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('round-trips through a real file, written atomically', () => {
    dir = mkdtempSync(join(tmpdir(), 'lamina-state-'));
    const file = stateFilePath(join(dir, 'userData')); // folder created on first save
    expect(loadAppState(file)).toEqual(defaultAppState());
    const state = {
      window: { bounds: { x: 5, y: 6, width: 1000, height: 700 }, maximized: false },
      recentWorkspaces: ['/ws/one'],
    };
    saveAppState(file, state);
    expect(loadAppState(file)).toEqual(state);
    expect(readdirSync(join(dir, 'userData'))).toEqual(['lamina-state.json']);
    writeFileSync(file, '{"window": trunc');
    expect(loadAppState(file)).toEqual(defaultAppState());
    expect(readFileSync(file, 'utf8')).toContain('trunc'); // reading never rewrites the file
  });
});
