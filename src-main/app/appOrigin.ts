/**
 * The app's own origin. The renderer is served from a privileged custom scheme rather than
 * file://, because every file:// page shares one origin: sender checks and the CSP would then
 * trust any local file. Pure: no Electron imports.
 */
export const APP_SCHEME = 'lamina-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * `scheme://host[:port]`, lower-cased, or null for URLs without one (about:, data:, blob:,
 * unparsable). WHATWG `URL.origin` is "null" for non-special schemes such as ours, so the
 * origin is assembled by hand.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!u.host) return null;
  return `${u.protocol}//${u.host}`.toLowerCase();
}

export function isSameOrigin(url: string, origin: string): boolean {
  const o = originOf(url);
  return o !== null && o === origin.toLowerCase();
}

/** http(s) URLs: the only kind the app hands to the OS browser. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
