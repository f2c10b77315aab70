/**
 * Native open dialogs behind `app.pickFile` / `app.pickFolder`.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { DATASET_FILE_FILTERS, type PickFileOptions, type PickFolderOptions, type PickResult } from './appMethods';

async function show(win: BrowserWindow | null, options: OpenDialogOptions): Promise<PickResult> {
  const r =
    win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return { canceled: r.canceled || r.filePaths.length === 0, paths: r.canceled ? [] : r.filePaths };
}

export function pickFile(win: BrowserWindow | null, opts: PickFileOptions = {}): Promise<PickResult> {
  return show(win, {
    title: opts.title ?? 'Import dataset',
    filters: opts.filters ?? DATASET_FILE_FILTERS,
    properties: opts.multiple ? ['openFile', 'multiSelections'] : ['openFile'],
  });
}

export function pickFolder(win: BrowserWindow | null, opts: PickFolderOptions = {}): Promise<PickResult> {
  return show(win, { title: opts.title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] });
}
