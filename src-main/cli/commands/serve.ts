import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command';
import { num, str } from '../args';
import { startServer } from '../../server/server';
import { LaminaError } from '../../core/util/errors';

/** out/renderer, beside out/main where this bundle lives (or found from the sources). */
function rendererDir(): string {
  const candidates = [join(__dirname, '..', 'renderer'), join(__dirname, '..', '..', 'renderer'), join(__dirname, '..', '..', '..', 'out', 'renderer')];
  const found = candidates.find((d) => existsSync(join(d, 'index.html')));
  if (!found) throw new LaminaError('failed', 'the UI is not built: run `npm run build` first');
  return found;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the UI and API to a browser (prints a URL with an access token)',
  usage: 'lamina serve [--host 127.0.0.1] [--port N]',
  options: { host: { type: 'string' }, port: { type: 'string' } },
  async run({ args, out, core }) {
    const lamina = core();
    const server = await startServer(lamina, {
      host: str(args.values.host) ?? '127.0.0.1',
      port: num(args.values.port, 'port', { int: true, min: 0 }) ?? 7860,
      rendererDir: rendererDir(),
    });
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
