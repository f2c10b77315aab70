/**
 * The core's side of a training host: start one process for one job, route its
 * messages, and turn every way it can end — done, error, crash, kill — into exactly
 * one outcome. It knows nothing of SQLite: the run manager decides what to record.
 */
import type { HostLauncher, HostProcess } from './hostLauncher';
import { forkHostLauncher } from './hostLauncher';
import { trainingHostEntry } from './hostEntry';
import { traceStart } from './startTrace';
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

/** Environment variable that makes a host load TF.js, its backend and the data readers before any job arrives. */
export const PREWARM_ENV = 'LAMINA_HOST_PREWARM';

/**
 * How the client keeps a spare host: 'off' (a fresh process per job), 'once' (one spare for the next
 * job, not replaced: a CLI command that runs one job), 'always' (replaced after each use: the app, the
 * server). A spare is an idle host that has loaded TF.js and its backend; it is used for one job only,
 * like any other host, and gets the job's seed with the job.
 */
export type WarmHostMode = 'off' | 'once' | 'always';

export class EngineClient {
  private warmMode: WarmHostMode = 'off';
  private spare: { host: HostProcess; exited: boolean } | null = null;
  private closed = false;

  constructor(
    private readonly launcher: HostLauncher = forkHostLauncher,
    private readonly entry: () => string = trainingHostEntry,
  ) {}

  /** Keep a warm host ready (see WarmHostMode); starts one now. LAMINA_WARM_HOST=0 turns it off. */
  keepHostWarm(mode: WarmHostMode): void {
    this.warmMode = process.env.LAMINA_WARM_HOST === '0' ? 'off' : mode;
    this.ensureSpare();
  }

  /** Whether a started spare host is waiting (for tests and the bench). */
  get spareHostPid(): number | undefined {
    return this.spare && !this.spare.exited ? this.spare.host.pid : undefined;
  }

  /** Ends the spare host; later jobs start fresh processes. */
  close(): void {
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    spare?.host.kill('SIGKILL');
  }

  private ensureSpare(): void {
    if (this.warmMode === 'off' || this.closed || this.spare) return;
    const host = this.launcher.launch(this.entry(), { env: { [PREWARM_ENV]: '1' } });
    const spare = { host, exited: false };
    host.onExit(() => {
      // A spare that died while idle (killed, crashed) is simply not used.
      spare.exited = true;
      if (this.spare === spare) this.spare = null;
    });
    // An idle spare must not keep a CLI process alive.
    host.setIdle?.(true);
    this.spare = spare;
  }

  private takeHost(): HostProcess {
    const spare = this.spare;
    this.spare = null;
    if (spare && !spare.exited) {
      spare.host.setIdle?.(false);
      traceStart('job-on-warm-host');
      if (this.warmMode === 'once') this.warmMode = 'off';
      return spare.host;
    }
    return this.launcher.launch(this.entry());
  }

  run(start: CoreToHostMessage, onMessage: (m: HostToCoreMessage) => void = () => {}): HostJob {
    traceStart('job-sent');
    const host: HostProcess = this.takeHost();
    let final: HostOutcome | null = null;
    const outcome = new Promise<HostOutcome>((resolve) => {
      host.onMessage((m) => {
        traceStart(m.type === 'metrics' ? 'first-batch' : `host-${m.type}`);
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
    // The replacement starts once this job has ended, so it never competes with the job for CPU.
    outcome.finally(() => this.ensureSpare()).catch(() => {});
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
