/**
 * Access token for `lamina serve`: 32 random bytes, compared in constant time. Accepted as
 * `Authorization: Bearer <token>` or `?token=<token>` (WebSockets cannot set headers).
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
