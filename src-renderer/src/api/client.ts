/**
 * The renderer's only door to the core: a typed client of the API contract. Inside Electron
 * it calls `window.lamina` (the preload's bridge); in a browser tab served by `lamina serve`
 * it speaks HTTP + WebSocket with the access token. Both return the same ApiResult envelope.
 */
import {
  ApiCallError,
  type ApiEvent,
  type ApiInput,
  type ApiMethodName,
  type ApiOutput,
  type ApiResult,
  type LaminaBridge,
} from '../../../src-main/core/api/contract';

export { ApiCallError };
export type { ApiEvent };

declare global {
  interface Window {
    lamina?: LaminaBridge;
  }
}

const TOKEN_KEY = 'lamina.token';

/** Move `?token=` from the address bar into sessionStorage, so it never lingers in history. */
export function captureToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export interface Transport {
  kind: 'electron' | 'http';
  invoke(method: ApiMethodName, input: unknown): Promise<ApiResult>;
  onEvent(listener: (e: ApiEvent) => void): () => void;
  /** Store one file of an upload; `onProgress` gets bytes sent. */
  upload(uploadId: string, path: string, file: Blob, onProgress?: (sent: number) => void): Promise<void>;
  pathForFile?(file: File): string;
  /**
   * URL of a plugin view's document for a sandboxed iframe. Both the app's scheme and
   * `lamina serve` serve it at /plugin-views/<pluginId>/<viewId> with the view CSP; the
   * server wants the token (and trades it for a one-time ticket, see src-main/server/pluginViews.ts).
   */
  pluginViewUrl(pluginId: string, viewId: string): string;
}

const pluginViewPath = (pluginId: string, viewId: string) => `/plugin-views/${encodeURIComponent(pluginId)}/${encodeURIComponent(viewId)}`;

function electronTransport(bridge: LaminaBridge): Transport {
  return {
    kind: 'electron',
    invoke: (method, input) => bridge.invoke(method, input),
    onEvent: (l) => bridge.onEvent(l),
    pathForFile: bridge.pathForFile ? (f) => bridge.pathForFile!(f) : undefined,
    pluginViewUrl: pluginViewPath,
    async upload(uploadId, path, file, onProgress) {
      // IPC fallback (no file path available): send the bytes base64-encoded.
      const buf = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      for (let i = 0; i < buf.length; i += 0x8000) bin += String.fromCharCode(...buf.subarray(i, i + 0x8000));
      const res = await bridge.invoke('uploads.put', { uploadId, path, dataBase64: btoa(bin) });
      if (!res.ok) throw new ApiCallError('uploads.put', res.error);
      onProgress?.(file.size);
    },
  };
}

function httpTransport(token: string | null): Transport {
  const listeners = new Set<(e: ApiEvent) => void>();
  let socket: WebSocket | null = null;
  let retry = 500;

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // The token rides in Sec-WebSocket-Protocol (the server answers 'lamina.v1'), never in the URL.
    socket = new WebSocket(`${proto}//${location.host}/events`, ['lamina.v1', `lamina.token.${token ?? ''}`]);
    socket.onopen = () => (retry = 500);
    socket.onmessage = (m) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(String(m.data)) as ApiEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    };
    socket.onclose = () => {
      socket = null;
      // The server restarted or the laptop slept: reconnect with backoff while anyone listens.
      if (listeners.size > 0) setTimeout(connect, (retry = Math.min(retry * 2, 10_000)));
    };
  };

  const headers = (): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

  return {
    kind: 'http',
    pluginViewUrl: (pluginId, viewId) => `${pluginViewPath(pluginId, viewId)}?token=${encodeURIComponent(token ?? '')}`,
    async invoke(method, input) {
      let res: Response;
      try {
        res = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers() },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return { ok: false, error: { code: 'internal', message: `cannot reach the Lamina server: ${(err as Error).message}` } };
      }
      try {
        return (await res.json()) as ApiResult;
      } catch {
        return { ok: false, error: { code: 'internal', message: `server answered ${res.status} without a result` } };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
    upload(uploadId, path, file, onProgress) {
      // XHR rather than fetch: it reports upload progress.
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', `/api/upload?uploadId=${encodeURIComponent(uploadId)}&path=${encodeURIComponent(path)}`);
        for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
        xhr.setRequestHeader('Content-Type', 'application/octet-stream');
        xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
        xhr.onload = () => {
          let body: ApiResult | null = null;
          try {
            body = JSON.parse(xhr.responseText) as ApiResult;
          } catch {
            /* handled below */
          }
          if (body?.ok) resolve();
          else reject(new ApiCallError('upload', body && !body.ok ? body.error : { code: 'internal', message: `upload failed (${xhr.status})` }));
        };
        xhr.onerror = () => reject(new ApiCallError('upload', { code: 'internal', message: 'upload failed: network error' }));
        xhr.send(file);
      });
    },
  };
}

let transport: Transport | null = null;

export function getTransport(): Transport {
  if (!transport) transport = window.lamina ? electronTransport(window.lamina) : httpTransport(captureToken());
  return transport;
}

/** Call one API method; resolves with its output or throws an ApiCallError. */
export async function call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
  const res = await getTransport().invoke(method, input);
  if (!res.ok) throw new ApiCallError(method, res.error);
  return res.value as ApiOutput<M>;
}

export function onEvent(listener: (e: ApiEvent) => void): () => void {
  return getTransport().onEvent(listener);
}

export interface PickedFile {
  file: File;
  /** Relative path inside a picked folder (webkitRelativePath), else the file name. */
  path: string;
}

export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Upload the picked files (one file, or a folder's files) and import them as one dataset. */
export async function importPicked(
  picked: PickedFile[],
  opts: Omit<ApiInput<'datasets.importUpload'>, 'uploadId' | 'entry'>,
  onUpload?: (sent: number, total: number) => void,
): Promise<ApiOutput<'datasets.import'>> {
  if (picked.length === 0) throw new ApiCallError('import', { code: 'bad-request', message: 'no file chosen' });
  const t = getTransport();
  const single = picked.length === 1 && !picked[0]!.path.includes('/');
  if (single && t.pathForFile) {
    const path = t.pathForFile(picked[0]!.file);
    if (path) return call('datasets.import', { ...opts, path });
  }
  const uploadId = newUploadId();
  const total = picked.reduce((s, p) => s + p.file.size, 0);
  let done = 0;
  for (const p of picked) {
    await t.upload(uploadId, p.path, p.file, (sent) => onUpload?.(done + sent, total));
    done += p.file.size;
    onUpload?.(done, total);
  }
  const entry = single ? picked[0]!.path : picked[0]!.path.split('/')[0]!;
  return call('datasets.importUpload', { ...opts, uploadId, entry });
}
