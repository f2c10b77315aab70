/**
 * The core's side of a training host: start one process for one job, route its
 * messages, and turn every way it can end — done, error, crash, kill — into exactly
 * one outcome. It knows nothing of SQLite: the run manager decides what to record.
 */
import type { HostLauncher, HostProcess } from './hostLauncher';
import { forkHostLauncher } from './hostLauncher';
import { trainingHostEntry } from './hostEntry';
import type {
  CoreToHostMessage,
  DoneMessage,
  ErrorMessage,
  HostToCoreMessage,
  InspectedMessage,
} from './protocol';

export type HostOutcome =
  | { kind: 'done'; message: DoneMessage }
  | { kind: 'inspected'; message: InspectedMessage }
  | { kind: 'error'; message: ErrorMessage }
  | { kind: 'crashed'; code: number | null; signal: string | null; stderr: string };

export interface HostJob {
  readonly pid: number | undefined;
  /** Resolves once, with how the job ended. */
  readonly outcome: Promise<HostOutcome>;
  cancel(): void;
  kill(): void;
}

export class EngineClient {
  constructor(
    private readonly launcher: HostLauncher = forkHostLauncher,
    private readonly entry: () => string = trainingHostEntry,
  ) {}

  run(start: CoreToHostMessage, onMessage: (m: HostToCoreMessage) => void = () => {}): HostJob {
    const host: HostProcess = this.launcher.launch(this.entry());
    let final: HostOutcome | null = null;
    const outcome = new Promise<HostOutcome>((resolve) => {
      host.onMessage((m) => {
        if (m.type === 'done') final ??= { kind: 'done', message: m };
        else if (m.type === 'inspected') final ??= { kind: 'inspected', message: m };
        else if (m.type === 'error') final ??= { kind: 'error', message: m };
        onMessage(m);
      });
      host.onExit((code, signal) => {
        // A host that exits without a final message crashed (native abort, OOM kill, SIGKILL).
        resolve(final ?? { kind: 'crashed', code, signal, stderr: host.stderrTail() });
      });
    });
    host.send(start);
    return {
      get pid() {
        return host.pid;
      },
      outcome,
      cancel: () => host.send({ type: 'cancel' }),
      kill: () => host.kill('SIGKILL'),
    };
  }
}

export function describeCrash(o: Extract<HostOutcome, { kind: 'crashed' }>): string {
  const how = o.signal ? `was killed by ${o.signal}` : `exited with code ${o.code}`;
  const tail = o.stderr.trim().split('\n').slice(-5).join('\n');
  return `training host ${how} before the run finished${tail ? `\n${tail}` : ''}`;
}

/**
 * Kill the job's host if it has not ended `ms` from now (a host stuck in user code never reads a
 * cancel). `killed()` tells afterwards whether this deadline is what ended it.
 */
export function killAfter(job: HostJob, ms: number): { readonly ms: number; killed(): boolean } {
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    job.kill();
  }, ms);
  timer.unref();
  job.outcome.finally(() => clearTimeout(timer)).catch(() => {});
  return { ms, killed: () => fired };
}
