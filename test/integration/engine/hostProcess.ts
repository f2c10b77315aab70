/** Fork a real training host from sources and talk to it over the message protocol. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { CoreToHostMessage, HostToCoreMessage } from '../../../src-main/core/engine/protocol';

export const HOST_ENTRY = join(__dirname, '../../../src-main/core/engine/host/trainingHost.ts');

export interface HostProcess {
  child: ChildProcess;
  messages: HostToCoreMessage[];
  stderr: () => string;
  send: (msg: CoreToHostMessage) => void;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first message matching `pred`. */
  next: (pred: (m: HostToCoreMessage) => boolean) => Promise<HostToCoreMessage>;
}

export function startHost(entry = HOST_ENTRY, execArgv = ['--import', 'tsx']): HostProcess {
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const messages: HostToCoreMessage[] = [];
  const waiters: { pred: (m: HostToCoreMessage) => boolean; resolve: (m: HostToCoreMessage) => void }[] = [];
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  child.stdout!.resume();
  child.on('message', (m) => {
    const msg = m as HostToCoreMessage;
    messages.push(msg);
    for (const w of [...waiters]) if (w.pred(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    messages,
    stderr: () => err,
    send: (msg) => child.send(msg),
    exit,
    next: (pred) => {
      const found = messages.find(pred);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
