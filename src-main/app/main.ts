/**
 * Lamina's Electron main process: wires the shell's small modules together. All logic that
 * can be is in Electron-free modules (see the imports) with unit tests in test/unit/app.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, session, shell, type BrowserWindow } from 'electron';
import { Lamina } from '../core/lamina';
import type { ApiEvent } from '../core/api/contract';
import { APP_ENTRY_URL, APP_ORIGIN, originOf } from './appOrigin';
import type { AppEvent, AppMethodHandlers } from './appMethods';
import { appPaths, asarUnpackedPath, esbuildBinarySubpath } from './appPaths';
import { contentSecurityPolicy } from './csp';
import { pickFile, pickFolder } from './dialogs';
import { registerIpc, sendEvent } from './ipc';
import { initialWorkspace } from './launchArgs';
import { installMenu } from './menu';
import { registerAppScheme, serveRenderer } from './protocol';
import { hardenApp, hardenSession } from './security';
import { loadAppState, saveAppState, stateFilePath } from './stateStore';
import { utilityHostLauncher } from './utilityHostLauncher';
import { createMainWindow, windowStateOf } from './window';
import { addRecentWorkspace, type AppState } from './windowState';
import { WorkspaceSession } from './workspaceSession';

const APP_NAME = 'Lamina';

registerAppScheme();
app.enableSandbox();
app.setName(APP_NAME);
// A separate profile (state file, caches) for tests and portable setups.
if (process.env.LAMINA_USER_DATA) app.setPath('userData', process.env.LAMINA_USER_DATA);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main();
}

/**
 * Packaged, the resources and native binaries live outside app.asar; say where through the
 * environment, which the training host (a utilityProcess) inherits.
 */
function configurePackagedEnvironment(): void {
  if (!app.isPackaged) return;
  process.env.LAMINA_RESOURCES ??= join(process.resourcesPath, 'resources');
  if (!process.env.ESBUILD_BINARY_PATH) {
    const binary = asarUnpackedPath(
      join(app.getAppPath(), 'node_modules', esbuildBinarySubpath(process.platform, process.arch)),
    );
    if (existsSync(binary)) process.env.ESBUILD_BINARY_PATH = binary;
  }
}

function main(): void {
  configurePackagedEnvironment();
  const paths = appPaths(__dirname);
  // electron-vite dev serves the renderer with HMR; a packaged app never trusts that variable.
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const appOrigin = (devUrl && originOf(devUrl)) || APP_ORIGIN;
  const allowedOrigins = devUrl ? [appOrigin, appOrigin.replace(/^http/, 'ws')] : [APP_ORIGIN];
  const csp = contentSecurityPolicy({ devServer: devUrl });
  hardenApp(app, appOrigin);

  let win: BrowserWindow | null = null;
  let state: AppState;
  let stateFile: string;
  const emit = (event: ApiEvent | AppEvent) => sendEvent(win, event);
  const workspace = new WorkspaceSession((dir) => Lamina.open(dir, { hostLauncher: utilityHostLauncher, warmHost: 'always' }), emit);

  const persist = () => {
    if (win && !win.isDestroyed()) state.window = windowStateOf(win);
    try {
      saveAppState(stateFile, state);
    } catch (err) {
      console.error(`lamina: could not save ${stateFile}: ${(err as Error).message}`);
    }
  };

  const refreshMenu = () =>
    installMenu(
      {
        appName: APP_NAME,
        platform: process.platform,
        recentWorkspaces: state.recentWorkspaces,
        currentWorkspace: workspace.dir,
        isDev: !app.isPackaged,
      },
      {
        openWorkspace: () => void openWorkspaceFromDialog(),
        openRecentWorkspace: (dir) => void switchWorkspace(dir),
        clearRecentWorkspaces: () => {
          state.recentWorkspaces = workspace.dir ? [workspace.dir] : [];
          persist();
          refreshMenu();
        },
        importDataset: (kind) => void requestImport(kind),
        rendererAction: (action) => emit({ type: 'app.menu', action }),
        revealWorkspace: () => {
          if (workspace.dir) void shell.openPath(workspace.dir);
        },
        about: () => app.showAboutPanel(),
      },
    );

  /** Opens `dir` as the workspace; on failure says why and keeps the current one. */
  const switchWorkspace = async (dir: string): Promise<string> => {
    try {
      workspace.open(dir);
    } catch (err) {
      await dialog.showMessageBox({
        type: 'error',
        title: APP_NAME,
        message: `Could not open the workspace ${dir}`,
        detail: (err as Error).message,
      });
      throw err;
    }
    state.recentWorkspaces = addRecentWorkspace(state.recentWorkspaces, workspace.dir!);
    persist();
    refreshMenu();
    win?.setTitle(`${APP_NAME} — ${workspace.dir}`);
    emit({ type: 'app.workspace-changed', workspace: workspace.dir! });
    return workspace.dir!;
  };

  const openWorkspaceFromDialog = async (): Promise<{ canceled: boolean; workspace: string }> => {
    const picked = await pickFolder(win, { title: 'Open or create a workspace folder' });
    if (picked.canceled) return { canceled: true, workspace: workspace.dir ?? '' };
    return { canceled: false, workspace: await switchWorkspace(picked.paths[0]!) };
  };

  const requestImport = async (kind: 'file' | 'folder') => {
    const picked =
      kind === 'file'
        ? await pickFile(win)
        : await pickFolder(win, { title: 'Import an image folder (one sub-folder per class)' });
    if (!picked.canceled) emit({ type: 'app.import-requested', path: picked.paths[0]! });
  };

  const appHandlers: AppMethodHandlers = {
    'app.pickFile': (input) => pickFile(win, input),
    'app.pickFolder': (input) => pickFolder(win, input),
    'app.openWorkspace': async (input) =>
      input?.path ? { canceled: false, workspace: await switchWorkspace(input.path) } : openWorkspaceFromDialog(),
    'app.recentWorkspaces': async () => ({ current: workspace.dir ?? '', recent: state.recentWorkspaces }),
  };

  const createWindow = async () => {
    win = createMainWindow({ preload: paths.preload, state, title: `${APP_NAME} — ${workspace.dir}` });
    win.on('close', persist);
    win.on('closed', () => {
      win = null;
    });
    await win.loadURL(devUrl ?? APP_ENTRY_URL);
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(async () => {
    hardenSession(session.defaultSession, { appOrigin, allowedOrigins, csp });
    serveRenderer(session.defaultSession, paths.rendererRoot, csp, (pluginId, viewId) => workspace.core().getPluginView(pluginId, viewId).html);
    stateFile = stateFilePath(app.getPath('userData'));
    state = loadAppState(stateFile);

    const first = initialWorkspace(process.argv.slice(1), process.env, state.recentWorkspaces);
    try {
      workspace.open(first);
    } catch (err) {
      // A remembered workspace that went away must not keep the app from starting.
      console.error(`lamina: could not open ${first}: ${(err as Error).message}; using the default workspace`);
      workspace.open(initialWorkspace([], process.env, []));
    }
    state.recentWorkspaces = addRecentWorkspace(state.recentWorkspaces, workspace.dir!);

    registerIpc({ appOrigin, core: () => workspace.core(), app: appHandlers, emit });
    refreshMenu();
    await createWindow();

    app.on('activate', () => {
      if (!win) void createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => workspace.close());
}
