/**
 * Entry point of the training host process: one process trains one run (or answers one inspect)
 * and exits, so a crash, an out-of-memory kill or a native abort takes only that run down.
 *
 * Runs as a child_process.fork child (messages via process.send / process.on('message')) or as an
 * Electron utilityProcess (process.parentPort). From sources: `node --import tsx trainingHost.ts`;
 * bundled: out/main/trainingHost.js (CommonJS, dependencies external).
 */
import type { CoreToHostMessage, ErrorMessage, HostToCoreMessage } from '../protocol';
import { HostError, errorMessage } from './hostError';
import { inspectModel, runTraining } from './runner';
import { runExplain } from './explain/explainRunner';
import { probePlugins, runPluginCommand, runPluginImporter } from '../../plugins/host/pluginRuntime';
import { prewarmHost } from './prewarm';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(msg: HostToCoreMessage): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(msg);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

let exiting = false;
async function finish(msg: HostToCoreMessage, code: number): Promise<never> {
  exiting = true;
  await send(msg);
  // Give a utilityProcess's postMessage a tick to leave before the process goes.
  setImmediate(() => process.exit(code));
  return new Promise<never>(() => {});
}

function toErrorMessage(err: unknown): ErrorMessage {
  if (err instanceof HostError) {
    // Source errors carry the user's line/column (set by models/modelSource.ts) for editor markers.
    const { line, column } = err as HostError & { line?: number; column?: number };
    return { type: 'error', reason: err.reason, message: err.message, stack: err.stack, line, column };
  }
  return {
    type: 'error',
    reason: 'internal',
    message: errorMessage(err),
    stack: err instanceof Error ? err.stack : undefined,
  };
}

let busy = false;
let cancelled = false;
/** A warm spare (LAMINA_HOST_PREWARM=1) loads TF.js and its backend before a job arrives; jobs wait for it. */
let warming: Promise<void> = Promise.resolve();

async function handle(raw: unknown): Promise<void> {
  const msg = raw as CoreToHostMessage;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (busy) {
    await send({ type: 'error', reason: 'internal', message: `host is busy; ignored a second "${msg.type}" request` });
    return;
  }
  busy = true;
  try {
    // A cancel that arrives meanwhile is kept (above) and ends the job at its first batch.
    await warming;
    if (msg.type === 'start') {
      const done = await runTraining(msg, { emit: (m) => void send(m), cancelled: () => cancelled });
      await finish(done, 0);
    } else if (msg.type === 'inspect') {
      await finish(await inspectModel(msg), 0);
    } else if (msg.type === 'plugin.probe') {
      await finish(await probePlugins(msg.plugins), 0);
    } else if (msg.type === 'plugin.import') {
      await finish(await runPluginImporter(msg, (m) => void send(m)), 0);
    } else if (msg.type === 'plugin.command') {
      await finish(await runPluginCommand(msg, (m) => void send(m)), 0);
    } else if (msg.type === 'explain') {
      await finish(await runExplain(msg, { emit: (m) => void send(m), cancelled: () => cancelled }), 0);
    } else {
      throw new HostError('internal', `unknown message type "${(msg as { type?: string }).type}"`);
    }
  } catch (err) {
    await finish(toErrorMessage(err), 1);
  }
}

function crash(err: unknown): void {
  if (exiting) return;
  void finish(toErrorMessage(err), 1);
}

export function main(): void {
  if (!parentPort && !process.send) {
    process.stderr.write('lamina training host: must be started by the Lamina core (fork or utilityProcess)\n');
    process.exit(2);
  }
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // Ctrl-C in a terminal signals the whole process group: the owner turns it into a cancel (stop at the
  // next batch, record `cancelled`), so the host must not die first. It still ends when the owner goes.
  process.on('SIGINT', () => undefined);
  if (process.env.LAMINA_HOST_PREWARM === '1') warming = prewarmHost();
  if (parentPort) {
    parentPort.on('message', (e) => void handle(e.data));
  } else {
    process.on('message', (m) => void handle(m));
    // The core went away (crashed or was killed): nobody will read our results.
    process.on('disconnect', () => process.exit(0));
  }
}

main();
