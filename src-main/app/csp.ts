/**
 * The renderer's Content-Security-Policy. Pure: no Electron imports.
 *
 * - scripts only from the app itself: no inline script, no eval, no remote code;
 * - inline styles are allowed: Monaco, naive-ui and ECharts inject <style> and style="";
 * - Monaco's workers come from bundled files ('self') or blob: URLs;
 * - connect-src 'self' also covers the WebSocket of `lamina serve` (same host);
 * - nothing may frame the app, submit forms, change <base> or load plugins (<object>).
 */
export interface CspOptions {
  /** Dev server origin (electron-vite dev), e.g. http://localhost:5173: adds its HMR WebSocket. */
  devServer?: string;
}

export function cspDirectives(opts: CspOptions = {}): Record<string, string[]> {
  const connect = ["'self'"];
  if (opts.devServer) {
    const dev = new URL(opts.devServer);
    connect.push(dev.origin, `${dev.protocol === 'https:' ? 'wss' : 'ws'}://${dev.host}`);
  }
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': connect,
    'worker-src': ["'self'", 'blob:'],
    'frame-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
}

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** The policy sent as a response header for the app's own pages. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  return serialize(cspDirectives(opts));
}

/**
 * The same policy for `<meta http-equiv="Content-Security-Policy">` in index.html: browsers
 * ignore `frame-ancestors` in a meta tag (and warn), so it is left out there.
 */
export function contentSecurityPolicyMeta(): string {
  const { 'frame-ancestors': _ignored, ...rest } = cspDirectives();
  return serialize(rest);
}
