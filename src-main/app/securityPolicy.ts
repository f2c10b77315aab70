/**
 * Decisions the Electron security hooks make, as pure functions so they are unit-tested.
 */
import { isExternalWebUrl, isSameOrigin } from './appOrigin';

export type LinkDecision = 'allow' | 'deny' | 'open-external';

/** `will-navigate`: stay inside the app; send web links to the OS browser; refuse the rest. */
export function navigationDecision(url: string, appOrigin: string): LinkDecision {
  if (isSameOrigin(url, appOrigin)) return 'allow';
  return isExternalWebUrl(url) ? 'open-external' : 'deny';
}

/** `setWindowOpenHandler`: the app never opens a second window of its own. */
export function windowOpenDecision(url: string, appOrigin: string): Exclude<LinkDecision, 'allow'> {
  if (isSameOrigin(url, appOrigin)) return 'deny';
  return isExternalWebUrl(url) ? 'open-external' : 'deny';
}

/**
 * `webRequest.onBeforeRequest`: no remote content. The app's own origin (plus, in development,
 * the dev server and its HMR socket), in-memory data and DevTools pass; every other network or
 * file URL is cancelled.
 */
export function isRequestAllowed(url: string, allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.some((origin) => isSameOrigin(url, origin))) return true;
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  return scheme === 'data:' || scheme === 'blob:' || scheme === 'devtools:';
}
