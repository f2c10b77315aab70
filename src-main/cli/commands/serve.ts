import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command';
import { num, str } from '../args';
import { PortInUseError, startServer, type RunningServer, type ServerOptions } from '../../server/server';
import { isLoopbackAddress } from '../../server/originCheck';
import type { ApiCore } from '../../core/api/dispatch';
import { LaminaError } from '../../core/util/errors';

/** out/renderer, beside out/main where this bundle lives (or found from the sources). */
function rendererDir(): string {
  const candidates = [join(__dirname, '..', 'renderer'), join(__dirname, '..', '..', 'renderer'), join(__dirname, '..', '..', '..', 'out', 'renderer')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new LaminaError('failed', 'the UI is not built: run `npm run build` first');
  return found;
}

/** Lamina's default port: clear of common tools (7860 is Gradio's, 8888 Jupyter's, 6006 TensorBoard's). */
export const DEFAULT_SERVE_PORT = 47860;

/** An explicit --port that is taken fails (PortInUseError); the default one falls back to any free port. */
async function listen(core: ApiCore, opts: ServerOptions, explicit: boolean, warn: (s: string) => void): Promise<RunningServer> {
  try {
    return await startServer(core, opts);
  } catch (e) {
    if (explicit || !(e instanceof PortInUseError)) throw e;
    const server = await startServer(core, { ...opts, port: 0 });
    warn(`port ${opts.port} is in use; serving on port ${server.port} instead`);
    return server;
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the UI and API to a browser (prints a URL with an access token)',
  usage: `lamina serve [--host 127.0.0.1] [--port N (default ${DEFAULT_SERVE_PORT}; 0 = any free port)] [--allow-remote]`,
  options: { host: { type: 'string' }, port: { type: 'string' }, 'allow-remote': { type: 'boolean', default: false } },
  async run({ args, out, core }) {
    const host = str(args.values.host) ?? '127.0.0.1';
    const allowRemote = args.values['allow-remote'] === true;
    const explicitPort = num(args.values.port, 'port', { int: true, min: 0 });
    if (explicitPort !== undefined && explicitPort > 65535) throw new LaminaError('usage', `--port must be at most 65535, got ${explicitPort}`);
    if (!isLoopbackAddress(host)) {
      if (!allowRemote) {
        throw new LaminaError('usage', `--host ${host} would let other machines reach Lamina, and the access token would travel in clear text (no TLS); add --allow-remote if that is what you want`);
      }
      out.warn(`WARNING: serving on ${host}: anyone who can reach this address and learns the token can run code on this machine. The token travels in clear text (no TLS); use this only on a network you trust.`);
    }
    const lamina = core();
    // Runs and the editor's model checks start on a host that has TF.js loaded already.
    lamina.keepHostWarm('always');
    const server = await listen(
      lamina,
      { host, port: explicitPort ?? DEFAULT_SERVE_PORT, rendererDir: rendererDir(), allowRemote },
      explicitPort !== undefined,
      (s) => out.warn(s),
    );
    out.result({ url: server.url, workspace: lamina.paths.root }, () => `Lamina is serving ${lamina.paths.root}\nOpen ${server.url}\n(Ctrl-C to stop)`);
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    out.warn('stopping…');
    await server.close();
    await lamina.shutdown();
  },
};
