/**
 * The application menu as data. Pure: only type imports from Electron, so the unit tests can
 * read the template; menu.ts turns it into a native menu.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';

export interface MenuActions {
  openWorkspace(): void;
  openRecentWorkspace(dir: string): void;
  clearRecentWorkspaces(): void;
  importDataset(kind: 'file' | 'folder'): void;
  /** Menu items the renderer carries out (navigation, new model). */
  rendererAction(action: string): void;
  /** Shows the workspace folder in the OS file manager. */
  revealWorkspace(): void;
  about(): void;
}

export interface MenuContext {
  appName: string;
  platform: NodeJS.Platform;
  recentWorkspaces: readonly string[];
  currentWorkspace: string | null;
  isDev: boolean;
}

export function menuTemplate(ctx: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const isMac = ctx.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] = ctx.recentWorkspaces.length
    ? [
        ...ctx.recentWorkspaces.map((dir) => ({
          label: `${basename(dir) || dir} — ${dir}`,
          type: 'checkbox' as const,
          checked: dir === ctx.currentWorkspace,
          click: () => actions.openRecentWorkspace(dir),
        })),
        { type: 'separator' as const },
        { label: 'Clear Recent', click: () => actions.clearRecentWorkspaces() },
      ]
    : [{ label: 'No Recent Workspaces', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
      { label: 'Recent Workspaces', submenu: recent },
      { type: 'separator' },
      { label: 'Import Dataset File…', accelerator: 'CmdOrCtrl+I', click: () => actions.importDataset('file') },
      { label: 'Import Image Folder…', click: () => actions.importDataset('folder') },
      { type: 'separator' },
      { label: 'New Model', accelerator: 'CmdOrCtrl+N', click: () => actions.rendererAction('new-model') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { label: 'Datasets', accelerator: 'CmdOrCtrl+1', click: () => actions.rendererAction('go:datasets') },
      { label: 'Models', accelerator: 'CmdOrCtrl+2', click: () => actions.rendererAction('go:models') },
      { label: 'Runs', accelerator: 'CmdOrCtrl+3', click: () => actions.rendererAction('go:runs') },
      { type: 'separator' },
      { role: 'reload' },
      ...(ctx.isDev ? [{ role: 'toggleDevTools' as const }] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      {
        label: 'Show Workspace Folder',
        enabled: ctx.currentWorkspace !== null,
        click: () => actions.revealWorkspace(),
      },
      ...(ctx.isDev ? [] : [{ role: 'toggleDevTools' as const, label: 'Developer Tools' }]),
      ...(isMac
        ? []
        : [{ type: 'separator' as const }, { label: `About ${ctx.appName}`, click: () => actions.about() }]),
    ],
  };

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: ctx.appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];

  return [...appMenu, file, edit, view, { role: 'windowMenu' }, help];
}
