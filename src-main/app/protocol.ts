/**
 * The app's own scheme (lamina-app://app/…), serving out/renderer with the CSP attached.
 */
import { protocol, type Session } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { pluginViewOf, servePluginView, serveRendererRequest } from './rendererFiles';

/** Must run before `app` is ready. `standard` + `secure` give the scheme a real origin, module scripts and workers. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Answers a plugin view's HTML (the facade's getPluginView(...).html); throws when there is none. */
export type PluginViewSource = (pluginId: string, viewId: string) => string;

/**
 * `pluginViews` serves `/plugin-views/<pluginId>/<viewId>` (the renderer's plugin panels); main.ts
 * passes `(p, v) => workspace.core().getPluginView(p, v).html`. Without it those paths are 404.
 */
export function serveRenderer(session: Session, rendererRoot: string, csp: string, pluginViews?: PluginViewSource): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const view = pluginViewOf(request.url);
    const res = view
      ? pluginViews
        ? servePluginView(() => pluginViews(view.pluginId, view.viewId))
        : { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'plugin views are not served here' }
      : await serveRendererRequest(rendererRoot, request.url, csp);
    return new Response(res.body as BodyInit, { status: res.status, headers: res.headers });
  });
}
