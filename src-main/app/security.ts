/**
 * Electron hooks that enforce the policies in securityPolicy.ts and csp.ts: no navigation away
 * from the app, no new windows, no remote requests, no permissions, no <webview>, and the CSP
 * on every response of the app's origin.
 */
import { shell, type App, type Session, type WebContents } from 'electron';
import { isSameOrigin } from './appOrigin';
import { isRequestAllowed, navigationDecision, windowOpenDecision } from './securityPolicy';

export interface SecurityOptions {
  /** Origin of the app's pages (lamina-app://app, or the dev server in development). */
  appOrigin: string;
  /** Origins requests may go to: the app's, plus the dev server's HMR socket in development. */
  allowedOrigins: readonly string[];
  csp: string;
}

function openExternally(url: string): void {
  // Only http(s) reaches here (securityPolicy decides); failures to launch a browser are not fatal.
  shell.openExternal(url).catch(() => undefined);
}

export function hardenSession(session: Session, opts: SecurityOptions): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));

  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isRequestAllowed(details.url, opts.allowedOrigins) });
  });

  // The dev server's pages (and, where webRequest sees them, our scheme's) get the CSP as a header.
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isSameOrigin(details.url, opts.appOrigin)) return callback({});
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [opts.csp];
    callback({ responseHeaders: headers });
  });
}

export function hardenWebContents(contents: WebContents, appOrigin: string): void {
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url, appOrigin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternally(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (navigationDecision(url, appOrigin) !== 'allow') event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url, appOrigin) === 'open-external') openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Applies the per-contents hooks to every web contents the app ever creates. */
export function hardenApp(app: App, appOrigin: string): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, appOrigin));
}
