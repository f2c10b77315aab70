/**
 * Serves the built renderer (out/renderer) for the app's custom scheme: maps a request URL to
 * a file inside the root and never outside it, picks the MIME type, and attaches the CSP.
 * Node only; the Electron `protocol.handle` wrapper in protocol.ts just converts the result.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { VIEW_CSP } from '../core/plugins/views';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeTypeOf(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL names under `root`, or null when it would leave the root. Paths without an
 * extension fall back to index.html (client-side routes).
 */
export function resolveRendererFile(root: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  if (pathname === '/' || pathname === '' || extname(pathname) === '') pathname = '/index.html';
  const base = resolve(root);
  const file = resolve(base, '.' + pathname);
  return file.startsWith(base + sep) ? file : null;
}

export interface ServedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

export async function serveRendererRequest(root: string, url: string, csp: string): Promise<ServedResponse> {
  const headers = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  const file = resolveRendererFile(root, url);
  if (!file) return { status: 403, headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'forbidden' };
  try {
    const body = await readFile(file);
    return { status: 200, headers: { ...headers, 'Content-Type': mimeTypeOf(file) }, body };
  } catch {
    return { status: 404, headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'not found' };
  }
}

/** Where plugin views live on the app's scheme: `/plugin-views/<pluginId>/<viewId>` (as under `lamina serve`). */
export const PLUGIN_VIEWS_PATH = '/plugin-views/';

/** `<pluginId, viewId>` when the URL names a plugin view, else null. */
export function pluginViewOf(url: string): { pluginId: string; viewId: string } | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  if (!pathname.startsWith(PLUGIN_VIEWS_PATH)) return null;
  const parts = pathname.slice(PLUGIN_VIEWS_PATH.length).split('/');
  if (parts.length !== 2) return null;
  try {
    const [pluginId, viewId] = parts.map(decodeURIComponent) as [string, string];
    return pluginId && viewId ? { pluginId, viewId } : null;
  } catch {
    return null;
  }
}

/**
 * A plugin view's document with the view CSP (inline scripts, no network) in place of the
 * app's, for `<iframe sandbox="allow-scripts" src="/plugin-views/…">` in the renderer.
 */
export function servePluginView(viewHtml: () => string): ServedResponse {
  const headers = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  try {
    return { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': `${VIEW_CSP}; frame-ancestors 'self'` }, body: viewHtml() };
  } catch (err) {
    return { status: 404, headers: { ...headers, 'Content-Type': 'text/plain' }, body: (err as Error).message };
  }
}
