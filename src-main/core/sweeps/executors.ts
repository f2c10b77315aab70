/**
 * Where trials may train besides this machine. `lamina sweep run --queue redis://…` asks for the
 * queue executor (BullMQ workers, issue #15's distributed half); that module registers itself here
 * with `registerQueueTrialExecutor` when it is part of the build, so this file stays free of Redis.
 */
import type { Lamina } from '../lamina';
import type { TrialExecutor } from './trialExecutor';

export type QueueTrialExecutorFactory = (queueUrl: string, core: Lamina) => TrialExecutor;

let queueFactory: QueueTrialExecutorFactory | null = null;

export function registerQueueTrialExecutor(factory: QueueTrialExecutorFactory): void {
  queueFactory = factory;
}

/** The registered queue executor's factory, or null when distributed execution is not in this build. */
export function queueTrialExecutor(): QueueTrialExecutorFactory | null {
  return queueFactory;
}
