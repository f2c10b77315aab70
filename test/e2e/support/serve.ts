/**
 * Starts `lamina serve`'s server (startServer on the built renderer) for the E2E tests and
 * prints one JSON line `{ url, token, port }`. Usage: tsx serve.ts <workspace> [--seed-runs N]
 */
import { resolve } from 'node:path';
import { Lamina } from '../../../src-main/core/lamina';
import { startServer } from '../../../src-main/server';
import { seedRuns } from './seedRuns';

async function main() {
  const [workspace, flag, count] = process.argv.slice(2);
  if (!workspace) throw new Error('usage: serve.ts <workspace> [--seed-runs N]');
  const core = Lamina.open(workspace);
  if (flag === '--seed-runs') seedRuns(core, Number(count ?? 10_000));
  const server = await startServer(core, { rendererDir: resolve(__dirname, '../../../out/renderer') });
  process.stdout.write(JSON.stringify({ url: server.url, token: server.token, port: server.port }) + '\n');
  const stop = async () => {
    await server.close();
    await core.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
