/**
 * The coordinator's transfer endpoint (node:http): workers fetch a run's dataset by content hash
 * and upload the run's artifacts (trained model, evaluation, checkpoints) here — never through
 * Redis. Each queued run gets its own random token, valid only for that run's dataset and that
 * run's artifact folder, and only until the run has ended.
 *
 *   GET /datasets/<sha256>             → the dataset's columnar file
 *   PUT /artifacts/<runId>/<rel/path>  → written to artifacts/<runId>/<rel/path> (.part, then renamed)
 *
 * It binds 127.0.0.1 on a free port unless told otherwise (workers on other machines need
 * `LAMINA_TRANSFER_HOST`, e.g. 0.0.0.0, and `LAMINA_TRANSFER_URL` to advertise a reachable address).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** One upload may not exceed this (a model of a few hundred MiB fits; a runaway stream does not). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

interface Grant {
  token: Buffer;
  datasetHash: string;
  datasetFile: string;
  artifactsDir: string;
}

export interface TransferServerOptions {
  host?: string;
  port?: number;
  /** The URL workers use; default http://HOST:PORT. */
  advertiseUrl?: string;
}

export class TransferServer {
  private readonly grants = new Map<string, Grant>();
  private server: Server | null = null;
  private baseUrl = '';

  constructor(private readonly opts: TransferServerOptions = {}) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e) => fail(res, 500, (e as Error).message));
    });
    const host = this.opts.host ?? '127.0.0.1';
    await new Promise<void>((ok, bad) => {
      server.once('error', bad);
      server.listen(this.opts.port ?? 0, host, () => ok());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.baseUrl = this.opts.advertiseUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return this.baseUrl;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** A fresh token that lets a worker read this run's dataset and write this run's artifacts. */
  grant(runId: string, g: Omit<Grant, 'token'>): string {
    const token = randomBytes(32).toString('base64url');
    this.grants.set(runId, { ...g, token: Buffer.from(token) });
    return token;
  }

  revoke(runId: string): void {
    this.grants.delete(runId);
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private authorised(req: IncomingMessage, pick: (runId: string, g: Grant) => boolean): Grant | null {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(header);
    if (!m) return null;
    const offered = Buffer.from(m[1]);
    for (const [runId, g] of this.grants) {
      if (offered.length === g.token.length && timingSafeEqual(offered, g.token) && pick(runId, g)) return g;
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const ds = /^\/datasets\/([0-9a-f]{64})$/.exec(path);
    if (ds && req.method === 'GET') {
      const g = this.authorised(req, (_id, g) => g.datasetHash === ds[1]);
      if (!g) return fail(res, 401, 'no valid token for this dataset');
      const size = statSync(g.datasetFile).size;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      createReadStream(g.datasetFile).pipe(res);
      return;
    }
    const up = /^\/artifacts\/([0-9a-f]{32})\/(.+)$/.exec(path);
    if (up && req.method === 'PUT') {
      const g = this.authorised(req, (runId) => runId === up[1]);
      if (!g) return fail(res, 401, 'no valid token for this run');
      const rel = up[2];
      const target = resolve(g.artifactsDir, rel);
      if (rel.includes('\\') || rel.split('/').some((p) => p === '..' || p === '' || p === '.') || !target.startsWith(resolve(g.artifactsDir) + sep)) {
        return fail(res, 400, `bad artifact path "${rel}"`);
      }
      const declared = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) return fail(res, 413, 'artifact too large');
      mkdirSync(dirname(target), { recursive: true });
      const part = `${target}.${randomBytes(4).toString('hex')}.part`;
      let received = 0;
      try {
        await new Promise<void>((ok, bad) => {
          const out = createWriteStream(part);
          req.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > MAX_UPLOAD_BYTES) {
              req.destroy();
              bad(new Error('artifact too large'));
            }
          });
          req.on('error', bad);
          out.on('error', bad);
          out.on('finish', () => ok());
          req.pipe(out);
        });
        renameSync(part, target);
      } catch (e) {
        rmSync(part, { force: true });
        return fail(res, 400, (e as Error).message);
      }
      res.writeHead(204).end();
      return;
    }
    fail(res, 404, 'not found');
  }
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain' }).end(message + '\n');
}

/** Joins a run's artifact folder with a relative path the host reported (for the worker's uploads). */
export function artifactUrl(base: string, runId: string, rel: string): string {
  return `${base}/artifacts/${runId}/${rel.split('/').map(encodeURIComponent).join('/')}`;
}

