/**
 * The sandboxed preload: exposes `window.lamina` through contextBridge. It may require only
 * `electron` (a sandboxed preload gets no Node modules), so everything else is a type import
 * and the channel names are literals; test/integration/build checks the built file.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiEvent, ApiResult } from '../core/api/contract';
import type { AppEvent, PickFileOptions, PickFolderOptions, PickResult } from '../app/appMethods';
import type { CallResult } from '../app/ipcRules';

// Keep in step with IPC_INVOKE / IPC_EVENT in src-main/app/ipcRules.ts (the build test checks).
const INVOKE = 'lamina:invoke';
const EVENT = 'lamina:event';

export interface LaminaPreloadApi {
  invoke(method: string, input?: unknown): Promise<ApiResult>;
  onEvent(listener: (event: ApiEvent | AppEvent) => void): () => void;
  pathForFile(file: File): string;
  pickFile(options?: PickFileOptions): Promise<CallResult<PickResult>>;
  pickFolder(options?: PickFolderOptions): Promise<CallResult<PickResult>>;
}

const api: LaminaPreloadApi = {
  invoke: (method, input) => ipcRenderer.invoke(INVOKE, { method, input }),
  onEvent(listener) {
    // The renderer never sees the IpcRendererEvent (it carries `sender`).
    const wrapped = (_e: IpcRendererEvent, event: ApiEvent | AppEvent) => listener(event);
    ipcRenderer.on(EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT, wrapped);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
  pickFile: (options) => ipcRenderer.invoke(INVOKE, { method: 'app.pickFile', input: options }),
  pickFolder: (options) => ipcRenderer.invoke(INVOKE, { method: 'app.pickFolder', input: options }),
};

contextBridge.exposeInMainWorld('lamina', api);
