/**
 * Access token for `lamina serve`: 32 random bytes, compared in constant time. HTTP requests carry it
 * as `Authorization: Bearer <token>` (or `?token=` for a first page load and tools like curl). The
 * `/events` WebSocket carries it in `Sec-WebSocket-Protocol` (a browser WebSocket cannot set other
 * headers): the client offers `lamina.v1` and `lamina.token.<token>`, the server answers `lamina.v1`
 * and never echoes the token. A token in the WebSocket's query string is refused, so it never lands
 * in URLs, logs or proxies.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashing first makes the comparison constant-time whatever the presented length. */
function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header && /^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, '').trim();
  return url.searchParams.get('token');
}

export function isAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const presented = presentedToken(req, url);
  return presented !== null && sameSecret(presented, token);
}

export const WS_PROTOCOL = 'lamina.v1';
const WS_TOKEN_PREFIX = 'lamina.token.';

/** The subprotocols a client offers to carry `token` (see the file comment). */
export function wsProtocols(token: string): string[] {
  return [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`];
}

/** The token a WebSocket upgrade offers in Sec-WebSocket-Protocol, or null. */
export function upgradeToken(req: IncomingMessage): string | null {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return null;
  const offered = header.split(',').map((p) => p.trim()).find((p) => p.startsWith(WS_TOKEN_PREFIX));
  return offered ? offered.slice(WS_TOKEN_PREFIX.length) : null;
}

export function isAuthorizedUpgrade(req: IncomingMessage, token: string): boolean {
  const presented = upgradeToken(req);
  return presented !== null && sameSecret(presented, token);
}
