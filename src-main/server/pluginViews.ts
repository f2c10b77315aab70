/**
 * Plugin views for `lamina serve`. The renderer's CSP forbids inline scripts, so a view cannot
 * be an `srcdoc` iframe; it is a document of its own, at its own URL, with the view CSP
 * (inline scripts, no network) instead of the app's:
 *   GET /plugin-views/<pluginId>/<viewId>?token=<token>   → 303 to …?ticket=<one-time ticket>
 *   GET /plugin-views/<pluginId>/<viewId>?ticket=<ticket> → the view's HTML
 * The redirect keeps the access token out of the view's own URL: the view's script can read
 * `location`, and a spent ticket is worth nothing.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VIEW_CSP } from '../core/plugins/views';
import type { ApiCore } from '../core/api/dispatch';
import { toApiError } from '../core/api/dispatch';
import { isAuthorized } from './auth';

export const PLUGIN_VIEWS_PREFIX = '/plugin-views/';
const TICKET_TTL_MS = 30_000;

/** The view document's headers: its own CSP (it may only be framed by the app), nothing cached. */
export function viewHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `${VIEW_CSP}; frame-ancestors 'self'`,
    'X-Frame-Options': 'SAMEORIGIN',
    'Cache-Control': 'no-store',
  };
}

/** `/plugin-views/<id>/<view>` → its two parts, or null. */
export function parseViewPath(pathname: string): { pluginId: string; viewId: string } | null {
  if (!pathname.startsWith(PLUGIN_VIEWS_PREFIX)) return null;
  const parts = pathname.slice(PLUGIN_VIEWS_PREFIX.length).split('/');
  if (parts.length !== 2) return null;
  try {
    const [pluginId, viewId] = parts.map(decodeURIComponent) as [string, string];
    return pluginId && viewId ? { pluginId, viewId } : null;
  } catch {
    return null;
  }
}

export function pluginViewRoute(core: ApiCore, token: string) {
  const tickets = new Map<string, { key: string; expires: number }>();

  return function handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
    };
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const ref = parseViewPath(url.pathname);
    if (!ref) return text(404, 'not found');
    const key = `${ref.pluginId}\0${ref.viewId}`;
    const now = Date.now();
    for (const [t, v] of tickets) if (v.expires < now) tickets.delete(t);

    const ticket = url.searchParams.get('ticket');
    if (ticket !== null) {
      const held = tickets.get(ticket);
      tickets.delete(ticket);
      if (!held || held.key !== key) return text(401, 'expired or unknown view ticket');
      let html: string;
      try {
        html = core.getPluginView(ref.pluginId, ref.viewId).html;
      } catch (err) {
        const e = toApiError(err);
        return text(e.code === 'not-found' ? 404 : 500, e.message);
      }
      res.writeHead(200, { ...viewHeaders(), 'Content-Length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (!isAuthorized(req, url, token)) return text(401, 'missing or wrong access token');
    const fresh = randomBytes(24).toString('base64url');
    tickets.set(fresh, { key, expires: now + TICKET_TTL_MS });
    const location = `${PLUGIN_VIEWS_PREFIX}${encodeURIComponent(ref.pluginId)}/${encodeURIComponent(ref.viewId)}?ticket=${fresh}`;
    res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' }).end();
  };
}
