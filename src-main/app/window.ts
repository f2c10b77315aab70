/**
 * The main window: secure web preferences, remembered bounds, shown once painted.
 */
import { BrowserWindow, screen } from 'electron';
import { fitBounds, MIN_SIZE, type AppState } from './windowState';
import { secureWebPreferences } from './webPreferences';

export function createMainWindow(opts: { preload: string; state: AppState; title: string }): BrowserWindow {
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const bounds = fitBounds(opts.state.window.bounds, workAreas);
  const win = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: opts.title,
    show: false,
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(opts.preload),
  });
  if (opts.state.window.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Bounds to remember: the normal (un-maximised) ones, so restoring a maximised window works. */
export function windowStateOf(win: BrowserWindow): AppState['window'] {
  return { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
}
