/**
 * IPC wiring: the allow-listed invoke channel answered through ipcRules.handleInvoke, and
 * events pushed to the window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { dispatch, type ApiCore } from '../core/api/dispatch';
import type { ApiEvent } from '../core/api/contract';
import type { AppEvent, AppMethodHandlers } from './appMethods';
import { handleInvoke, INVOKE_CHANNELS, IPC_EVENT, isAllowedChannel, type SenderFrame } from './ipcRules';

export interface IpcOptions {
  appOrigin: string;
  core: () => ApiCore;
  app: AppMethodHandlers;
  /** Progress events raised while a call runs (dataset import) go here. */
  emit: (event: ApiEvent) => void;
}

function senderFrameOf(event: IpcMainInvokeEvent): SenderFrame | null {
  const frame = event.senderFrame;
  if (!frame || frame.isDestroyed()) return null;
  return { url: frame.url, isMainFrame: frame.parent === null };
}

export function registerIpc(opts: IpcOptions): () => void {
  for (const channel of INVOKE_CHANNELS) {
    if (!isAllowedChannel(channel)) continue;
    ipcMain.handle(channel, (event, payload: unknown) =>
      handleInvoke(payload, senderFrameOf(event), {
        appOrigin: opts.appOrigin,
        dispatch: (method, input) => dispatch(opts.core(), method, input, { emit: opts.emit }),
        app: opts.app,
      }),
    );
  }
  return () => INVOKE_CHANNELS.forEach((c) => ipcMain.removeHandler(c));
}

export function sendEvent(win: BrowserWindow | null, event: ApiEvent | AppEvent): void {
  if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, event);
}
