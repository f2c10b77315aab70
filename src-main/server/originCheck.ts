/**
 * DNS-rebinding and cross-origin defences for `lamina serve` (as Jupyter does them):
 *  - the Host header must name the address the server is bound to (on loopback: 127.0.0.1,
 *    localhost or [::1]) and its port, so a rebound hostname such as evil.example → 127.0.0.1
 *    is refused even though it reaches the socket;
 *  - an `/api` request or `/events` upgrade that carries an Origin must come from the server's
 *    own origin, so a page on another site or another local port that learned the token cannot
 *    start runs or listen to events.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Splits "name:port" / "[v6]:port" → { name (lower case, no brackets), port }. */
function splitHost(value: string): { name: string; port: string | null } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return null;
  return { name: m[1].replace(/^\[|\]$/g, '').toLowerCase(), port: m[2] ?? null };
}

export interface HostPolicy {
  /** The address the server listens on. */
  boundHost: string;
  port: number;
}

/** Whether a request's Host header names this server (see the file comment). */
export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  const h = splitHost(hostHeader);
  if (!h || h.port !== String(policy.port)) return false;
  const bound = policy.boundHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopbackAddress(bound)) return LOOPBACK_NAMES.has(h.name) || /^127\.\d+\.\d+\.\d+$/.test(h.name);
  // Bound to every interface (only with --allow-remote): any IP literal or loopback name, never a
  // DNS name, which could be rebound.
  if (bound === '0.0.0.0' || bound === '::') return isIP(h.name) !== 0 || LOOPBACK_NAMES.has(h.name);
  return h.name === bound || LOOPBACK_NAMES.has(h.name);
}

/** No Origin (curl, the CLI, same-origin navigations) or exactly the origin the request was sent to. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  return origin.toLowerCase() === `http://${host}`.toLowerCase() || origin.toLowerCase() === `https://${host}`.toLowerCase();
}
