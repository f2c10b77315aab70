/**
 * Runs the training host as an Electron utilityProcess: a Node child that Electron manages
 * (it appears in app metrics, dies with the app, needs no separate Node binary). The host
 * reaches us through `process.parentPort`; the core's `connectToParent()` handles that side.
 */
import { utilityProcess } from 'electron';
import { hostProcessFrom, TailBuffer, type HostLauncher } from '../core/engine/hostLauncher';
import type { HostToCoreMessage } from '../core/engine/protocol';

export const utilityHostLauncher: HostLauncher = {
  launch(entry, options = {}) {
    const child = utilityProcess.fork(entry, [], {
      stdio: 'pipe',
      serviceName: options.name ?? 'Lamina training host',
      env: { ...process.env, ...options.env },
    });
    child.stdout?.resume();
    const stderr = new TailBuffer();
    stderr.attach(child.stderr);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    return hostProcessFrom({
      pid: () => child.pid,
      send: (msg) => child.postMessage(msg),
      subscribe: {
        message: (l) => child.on('message', (m: unknown) => l(m as HostToCoreMessage)),
        // utilityProcess reports no signal; a kill shows as a non-zero code.
        exit: (l) => child.on('exit', (code) => l(code, null)),
      },
      kill: () => {
        if (!exited) child.kill();
      },
      stderr,
    });
  },
};
