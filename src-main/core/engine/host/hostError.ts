/**
 * An error the training host reports to the core as one `error` message. `reason` tells the core
 * (and the user) whose fault it was: the model source, the data, the backend, a diverging loss, or us.
 */
import type { HostErrorReason } from '../protocol';

export class HostError extends Error {
  readonly reason: HostErrorReason;

  constructor(reason: HostErrorReason, message: string, options: { stack?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostError';
    this.reason = reason;
    if (options.stack !== undefined) this.stack = options.stack;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
