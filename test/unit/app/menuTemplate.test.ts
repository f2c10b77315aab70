import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { menuTemplate, type MenuActions, type MenuContext } from '../../../src-main/app/menuTemplate';

function recorder() {
  const calls: string[] = [];
  const actions: MenuActions = {
    openWorkspace: () => calls.push('openWorkspace'),
    openRecentWorkspace: (d) => calls.push(`recent:${d}`),
    clearRecentWorkspaces: () => calls.push('clear'),
    importDataset: (k) => calls.push(`import:${k}`),
    rendererAction: (a) => calls.push(`renderer:${a}`),
    revealWorkspace: () => calls.push('reveal'),
    about: () => calls.push('about'),
  };
  return { calls, actions };
}

const ctx: MenuContext = {
  appName: 'Lamina',
  platform: 'linux',
  recentWorkspaces: ['/home/ada/ws-a', '/home/ada/ws-b'],
  currentWorkspace: '/home/ada/ws-b',
  isDev: false,
};

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  for (const item of items) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      try {
        return find(item.submenu, label);
      } catch {
        /* keep looking */
      }
    }
  }
  throw new Error(`no menu item "${label}"`);
}

const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('application menu', () => {
  it('has File, Edit, View and Help (plus the app menu on macOS)', () => {
    const { actions } = recorder();
    expect(menuTemplate(ctx, actions).map((m) => m.label ?? m.role)).toEqual([
      'File',
      'Edit',
      'View',
      'windowMenu',
      'help',
    ]);
    expect(menuTemplate({ ...ctx, platform: 'darwin' }, actions).map((m) => m.label ?? m.role)[0]).toBe('Lamina');
  });

  it('wires File items to their actions', () => {
    const { calls, actions } = recorder();
    const t = menuTemplate(ctx, actions);
    click(find(t, 'Open Workspace…'));
    click(find(t, 'Import Dataset File…'));
    click(find(t, 'Import Image Folder…'));
    click(find(t, 'New Model'));
    expect(calls).toEqual(['openWorkspace', 'import:file', 'import:folder', 'renderer:new-model']);
  });

  it('lists recent workspaces, checks the open one, and can clear them', () => {
    const { calls, actions } = recorder();
    const recent = find(menuTemplate(ctx, actions), 'Recent Workspaces').submenu as MenuItemConstructorOptions[];
    expect(recent.map((r) => r.label)).toEqual([
      'ws-a — /home/ada/ws-a',
      'ws-b — /home/ada/ws-b',
      undefined,
      'Clear Recent',
    ]);
    expect(recent.map((r) => r.checked)).toEqual([false, true, undefined, undefined]);
    click(recent[0]!);
    click(recent[3]!);
    expect(calls).toEqual(['recent:/home/ada/ws-a', 'clear']);
    const none = find(menuTemplate({ ...ctx, recentWorkspaces: [] }, actions), 'Recent Workspaces')
      .submenu as MenuItemConstructorOptions[];
    expect(none).toEqual([{ label: 'No Recent Workspaces', enabled: false }]);
  });

  it('gives View shortcuts to the three main screens', () => {
    const { calls, actions } = recorder();
    const t = menuTemplate(ctx, actions);
    for (const label of ['Datasets', 'Models', 'Runs']) click(find(t, label));
    expect(calls).toEqual(['renderer:go:datasets', 'renderer:go:models', 'renderer:go:runs']);
    expect(find(t, 'Runs').accelerator).toBe('CmdOrCtrl+3');
  });
});
