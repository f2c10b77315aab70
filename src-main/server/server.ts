/**
 * `lamina serve`: the UI and the API for a browser, over loopback with a token.
 *   GET  /, /assets/...                 the built renderer (no token: it holds no data)
 *   POST /api/<method>                  JSON body → dispatch → ApiResult (token)
 *   POST /api/upload?uploadId=&path=    raw file body → <workspace>/.tmp/uploads/ (token)
 *   WS   /events                        CoreEvents pushed live (token in Sec-WebSocket-Protocol; ./auth.ts)
 *   GET  /plugin-views/<id>/<view>      a plugin view's document for a sandboxed iframe (token → ticket; ./pluginViews.ts)
 * The transport adds no behaviour: everything goes through `dispatch`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { ws } from '../core/util/lazyModules';
import { httpStatusOf, type ApiError, type ApiEvent } from '../core/api/contract';
import { dispatch, subscribeEvents, toApiError, type ApiCore } from '../core/api/dispatch';
import { saveUploadStream } from '../core/api/uploads';
import { isAuthorized, isAuthorizedUpgrade, newToken, WS_PROTOCOL } from './auth';
import { PLUGIN_VIEWS_PREFIX, pluginViewRoute } from './pluginViews';
import { securityHeaders, serveStatic } from './staticFiles';
import { hostAllowed, isLoopbackAddress, originAllowed } from './originCheck';
import { LaminaError } from '../core/util/errors';

export interface ServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests, or a user who wants a stable URL); default: 32 random bytes. */
  token?: string;
  /** The built renderer: out/renderer. */
  rendererDir: string;
  /** Largest JSON request body (default 20 MiB) and upload file (default 2 GiB). */
  maxJsonBytes?: number;
  maxUploadBytes?: number;
  /** Needed to bind a non-loopback address: the token then travels in clear text (no TLS). */
  allowRemote?: boolean;
}

/** The port is taken: `lamina serve` says so in one line (exit 1) or, for its default port, picks another. */
export class PortInUseError extends LaminaError {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super('failed', `port ${port} on ${host} is already in use (another program, or another lamina serve); choose another with --port N, or --port 0 for any free port`);
  }
}

export interface RunningServer {
  /** Page URL including `?token=`; open it in a browser. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, httpStatusOf[error.code], { ok: false, error });
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw Object.assign(new Error(`request body larger than ${max} bytes`), { tooLarge: true });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startServer(core: ApiCore, opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackAddress(host) && !opts.allowRemote) {
    throw new LaminaError('usage', `--host ${host} would let other machines reach Lamina, and the access token would travel in clear text (no TLS); add --allow-remote if that is what you want`, { field: 'host' });
  }
  let boundPort = 0;
  const token = opts.token ?? newToken();
  const maxJson = opts.maxJsonBytes ?? 20 * 1024 * 1024;
  const maxUpload = opts.maxUploadBytes ?? 2 * 1024 * 1024 * 1024;
  const clients = new Set<WebSocket>();

  const broadcast = (event: ApiEvent) => {
    if (clients.size === 0) return;
    const text = JSON.stringify(event);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  };
  const unsubscribe = subscribeEvents(core, broadcast);
  const handleView = pluginViewRoute(core, token);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!originAllowed(req)) {
      // A page elsewhere (another site, another local port) must not drive the API, token or not.
      sendJson(res, 403, { ok: false, error: { code: 'unauthorized', message: `cross-origin request refused (Origin ${req.headers.origin})` } });
      return;
    }
    if (!isAuthorized(req, url, token)) {
      sendError(res, { code: 'unauthorized', message: 'missing or wrong access token' });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendJson(res, 405, { ok: false, error: { code: 'bad-request', message: 'use POST' } });
      return;
    }
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    if (method === 'upload') {
      const uploadId = url.searchParams.get('uploadId') ?? '';
      const path = url.searchParams.get('path') ?? '';
      try {
        const { bytes } = await saveUploadStream(core.paths.tmp, uploadId, path, req, maxUpload);
        sendJson(res, 200, { ok: true, value: { bytes } });
      } catch (err) {
        sendError(res, toApiError(err));
      }
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(req, maxJson);
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      const tooLarge = (err as { tooLarge?: boolean }).tooLarge;
      sendError(res, { code: 'bad-request', message: tooLarge ? (err as Error).message : `request body is not valid JSON: ${(err as Error).message}` });
      return;
    }
    const result = await dispatch(core, method, input, { emit: broadcast });
    if (result.ok) sendJson(res, 200, result);
    else sendError(res, result.error);
  }

  const server = createServer((req, res) => {
    securityHeaders(res);
    if (!hostAllowed(req.headers.host, { boundHost: host, port: boundPort })) {
      // DNS rebinding: a foreign name that resolves to this machine reaches the socket but not Lamina.
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Host not allowed\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const work = url.pathname.startsWith('/api/')
      ? handleApi(req, res, url)
      : url.pathname.startsWith(PLUGIN_VIEWS_PREFIX)
        ? Promise.resolve(handleView(req, res, url))
        : serveStatic(opts.rendererDir, req, res, url.pathname);
    work.catch((err) => {
      // Last resort: the request fails, the server keeps serving.
      if (!res.headersSent) sendError(res, toApiError(err));
      else res.destroy();
    });
  });

  // Answer the protocol name, never the token the client offered alongside it.
  const wss = new (ws().WebSocketServer)({ noServer: true, maxPayload: 64 * 1024, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!hostAllowed(req.headers.host, { boundHost: host, port: boundPort }) || !originAllowed(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/events' || !isAuthorizedUpgrade(req, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolvePromise, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      unsubscribe();
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(host, opts.port ?? 0) : err);
    };
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  boundPort = port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/?token=${encodeURIComponent(token)}`,
    token,
    port,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      clients.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
