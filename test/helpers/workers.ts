/**
 * `lamina worker` processes (the built CLI) for queue tests: each in its own process group, so a
 * test can kill a worker together with its training hosts, as if its machine went away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { builtCli, repoRoot } from './cli';

export interface TestWorker {
  name: string;
  proc: ChildProcess;
  /** Everything the worker logged so far. */
  log(): string;
  /** Resolves when the log matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL to the worker's whole process group (worker and hosts). */
  kill(): void;
  /** SIGTERM, then waits for exit. */
  stop(): Promise<void>;
}

export function startWorker(name: string, url: string, cacheDir: string, extra: string[] = []): TestWorker {
  const proc = spawn(process.execPath, [builtCli, 'worker', '--queue', url, '--name', name, '--cache', cacheDir, ...extra], {
    cwd: repoRoot,
    env: { ...process.env, LAMINA_QUEUE_LOCK_MS: '3000', LAMINA_QUEUE_REFUSAL_GRACE_MS: '15000' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: string) => {
    text += d;
    for (const l of listeners) l();
  };
  proc.stdout!.setEncoding('utf8').on('data', onData);
  proc.stderr!.setEncoding('utf8').on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    name,
    proc,
    log: () => text,
    waitFor: (re, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(re);
          if (m) {
            listeners.delete(check);
            clearTimeout(t);
            resolve(m);
          }
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`worker ${name} never logged ${re}; log:\n${text}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    kill: () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        try {
          process.kill(-proc.pid!, 'SIGTERM');
        } catch {
          /* gone */
        }
        await exited;
      }
    },
  };
}
