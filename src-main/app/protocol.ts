/**
 * The app's own scheme (lamina-app://app/…), serving out/renderer with the CSP attached.
 */
import { protocol, type Session } from 'electron';
import { APP_SCHEME } from './appOrigin';
import { serveRendererRequest } from './rendererFiles';

/** Must run before `app` is ready. `standard` + `secure` give the scheme a real origin, module scripts and workers. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export function serveRenderer(session: Session, rendererRoot: string, csp: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const res = await serveRendererRequest(rendererRoot, request.url, csp);
    return new Response(res.body as BodyInit, { status: res.status, headers: res.headers });
  });
}
