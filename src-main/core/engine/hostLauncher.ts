/**
 * How the core starts a training host process, and how the host talks back.
 *
 * The engine client depends only on `HostLauncher`, so the same client runs a host as a
 * `child_process.fork` child (CLI, server, tests) or as an Electron `utilityProcess`
 * (the app; see src-main/app/utilityHostLauncher.ts). Plain Node: no `electron` import.
 *
 * Both launchers carry messages by structured clone (child_process uses
 * `serialization: 'advanced'`), so NaN, Infinity and typed arrays arrive the same way
 * whichever kind of process runs the host.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { CoreToHostMessage, HostToCoreMessage } from './protocol';

export interface HostProcess {
  /** OS process id; undefined until the process has spawned, or if it failed to. */
  readonly pid: number | undefined;
  /** Sends a message; a no-op once the host has gone (its exit reports what happened). */
  send(msg: CoreToHostMessage): void;
  on(event: 'message', listener: (msg: HostToCoreMessage) => void): this;
  /** `signal` is set (and `code` null) when a signal ended the process (child_process only). */
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): this;
  onMessage(listener: (msg: HostToCoreMessage) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** The last few KiB the host wrote to stderr, for crash reports. */
  stderrTail(): string;
  /** Ends the process. Safe to call more than once, and after exit. */
  kill(signal?: NodeJS.Signals): void;
  /** An idle (warm spare) host does not keep the parent's event loop alive; optional per launcher. */
  setIdle?(idle: boolean): void;
}

export interface HostLaunchOptions {
  /** Extra environment variables, merged over the parent's environment. */
  env?: Record<string, string>;
  /** Name shown in process lists (utilityProcess `serviceName`). */
  name?: string;
}

export interface HostLauncher {
  /** Starts `entry`: an absolute path to a .js/.cjs module, or in development a .ts one. */
  launch(entry: string, options?: HostLaunchOptions): HostProcess;
}

/** Execution arguments that let plain Node run a TypeScript entry through tsx. */
export function execArgvFor(entry: string): string[] {
  if (!/\.[cm]?ts$/.test(entry)) return [];
  return ['--import', tsxLoaderSpecifier()];
}

/** An absolute URL when tsx resolves from here, so the child's working directory does not matter. */
function tsxLoaderSpecifier(): string {
  try {
    return pathToFileURL(createRequire(__filename).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

/** Keeps the last `limit` characters of a stream, so a crash report can quote them. */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 16 * 1024) {}
  attach(stream: NodeJS.ReadableStream | null | undefined): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => this.push(chunk));
  }
  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Adapts any process-like emitter to `HostProcess`. `spawnFailed` turns a failed start
 * (missing executable, EMFILE) into an exit with code 1 rather than an unhandled error.
 */
export function hostProcessFrom(parts: {
  pid: () => number | undefined;
  send: (msg: CoreToHostMessage) => void;
  subscribe: {
    message: (listener: (msg: HostToCoreMessage) => void) => void;
    exit: (listener: (code: number | null, signal: string | null) => void) => void;
  };
  kill: (signal?: NodeJS.Signals) => void;
  stderr: TailBuffer;
  setIdle?: (idle: boolean) => void;
}): HostProcess {
  let exited = false;
  parts.subscribe.exit(() => {
    exited = true;
  });
  const host: HostProcess = {
    get pid() {
      return parts.pid();
    },
    send(msg) {
      if (!exited) parts.send(msg);
    },
    on(event: 'message' | 'exit', listener: (...args: never[]) => void) {
      if (event === 'message') parts.subscribe.message(listener as (m: HostToCoreMessage) => void);
      else parts.subscribe.exit(listener as (c: number | null, s: string | null) => void);
      return host;
    },
    onMessage(listener) {
      parts.subscribe.message(listener);
    },
    onExit(listener) {
      parts.subscribe.exit(listener);
    },
    stderrTail: () => parts.stderr.toString(),
    kill(signal) {
      if (!exited) parts.kill(signal);
    },
    setIdle(idle) {
      if (!exited) parts.setIdle?.(idle);
    },
  } as HostProcess;
  return host;
}

/** The default launcher: `child_process.fork` with an IPC channel and piped output. */
export const forkHostLauncher: HostLauncher = {
  launch(entry: string, options: HostLaunchOptions = {}): HostProcess {
    const child = fork(entry, [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: execArgvFor(entry),
      env: { ...process.env, ...options.env },
      serialization: 'advanced',
    });
    // Drain stdout so a chatty host never blocks on a full pipe.
    child.stdout?.resume();
    const stderr = new TailBuffer();
    stderr.attach(child.stderr);
    let closed = false;
    child.once('close', () => {
      closed = true;
    });
    child.on('error', (err) => {
      // A failed spawn emits 'error' (and maybe no 'close'); report it as an exit so callers settle.
      if (child.pid === undefined && !closed) {
        closed = true;
        stderr.push(String(err.message));
        child.emit('close', 1, null);
      }
    });
    return hostProcessFrom({
      pid: () => child.pid,
      send: (msg) => {
        if (child.connected) child.send(msg);
      },
      subscribe: {
        message: (l) => child.on('message', (m) => l(m as HostToCoreMessage)),
        // 'close' (not 'exit') fires once stderr has drained, so the tail is complete.
        exit: (l) => child.on('close', (code: number | null, signal: NodeJS.Signals | null) => l(code, signal)),
      },
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      stderr,
      setIdle: (idle) => {
        const handles = [child, child.stdout, child.stderr, (child as unknown as { channel?: { ref(): void; unref(): void } }).channel];
        for (const h of handles) {
          const r = h as { ref?: () => void; unref?: () => void } | null | undefined;
          if (idle) r?.unref?.();
          else r?.ref?.();
        }
      },
    });
  },
};

/**
 * The host's side of the channel. Works under `child_process.fork` (process.send /
 * process.on('message')) and under an Electron utilityProcess (process.parentPort, where
 * each message arrives wrapped as `{ data }`).
 */
export interface ParentChannel {
  send(msg: HostToCoreMessage): void;
  onMessage(listener: (msg: CoreToHostMessage) => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
}

export function connectToParent(proc: NodeJS.Process = process): ParentChannel {
  const parentPort = (proc as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (msg) => parentPort.postMessage(msg),
      onMessage: (listener) => {
        parentPort.on('message', (e) => listener(e.data as CoreToHostMessage));
      },
    };
  }
  const send = proc.send?.bind(proc);
  if (!send) {
    throw new Error('the training host must be started by the core: no IPC channel to a parent process');
  }
  return {
    send: (msg) => {
      if (proc.connected) send(msg);
    },
    onMessage: (listener) => {
      proc.on('message', (m) => listener(m as CoreToHostMessage));
    },
  };
}
