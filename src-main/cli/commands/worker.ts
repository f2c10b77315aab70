import type { Command } from '../command';
import { num, str, usage } from '../args';
import { workerCapabilities } from '../../core/distributed/capabilities';
import { DEFAULT_LOCK_MS, LaminaWorker, defaultWorkerCache } from '../../core/distributed/worker';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'train runs that coordinators queue on Redis (BullMQ); needs no workspace',
  usage:
    'lamina worker --queue redis://[:PASSWORD@]HOST:PORT [--concurrency N (default 1)] [--backend tensorflow|wasm|cpu] [--name NAME] [--cache DIR] [--lock-ms N (default 30000)]\n' +
    '  The password may also come from $LAMINA_REDIS_PASSWORD. Datasets are cached by content hash in --cache\n' +
    '  ($LAMINA_WORKER_CACHE, else ~/.cache/lamina/worker). Ctrl-C stops taking runs and waits for the running ones.',
  options: {
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    backend: { type: 'string' },
    name: { type: 'string' },
    cache: { type: 'string' },
    'lock-ms': { type: 'string' },
  },
  async run({ args, out }) {
    const v = args.values;
    const url = str(v.queue);
    if (!url) throw usage('lamina worker needs --queue redis://[:PASSWORD@]HOST:PORT');
    const concurrency = num(v.concurrency, 'concurrency', { int: true, min: 1 }) ?? 1;
    const lockMs = num(v['lock-ms'], 'lock-ms', { int: true, min: 1000 }) ?? (Number(process.env.LAMINA_QUEUE_LOCK_MS) || DEFAULT_LOCK_MS);
    const capabilities = workerCapabilities({ backend: str(v.backend), name: str(v.name) });
    const cacheDir = str(v.cache) ?? defaultWorkerCache();
    const worker = await LaminaWorker.start({ url, capabilities, concurrency, cacheDir, lockMs, log: (line) => out.warn(line) });
    const plugins = [...capabilities.plugins.values()].map((p) => `${p.id}@${p.version}`).join(', ') || 'none';
    out.result(
      { worker: worker.id, queue: worker.connection.display, concurrency, backends: capabilities.backends, plugins: [...capabilities.plugins.keys()], cache: cacheDir },
      () => `worker ${worker.id}: waiting for runs on ${worker.connection.display} (concurrency ${concurrency}; backends ${capabilities.backends.join(', ')}; plugins ${plugins}; cache ${cacheDir})\n(Ctrl-C to stop)`,
    );
    await new Promise<void>((resolveStop) => {
      process.once('SIGINT', () => resolveStop());
      process.once('SIGTERM', () => resolveStop());
    });
    out.warn(`worker ${worker.id}: stopping (waiting for running runs; Ctrl-C again to leave them to other workers)`);
    const again = new Promise<void>((r) => process.once('SIGINT', () => r()));
    await Promise.race([worker.close(false), again.then(() => worker.close(true))]);
  },
};
