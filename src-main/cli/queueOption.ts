/**
 * `--queue redis://…` on commands that train (`lamina train`, `lamina sweep run`): connect to the
 * queue and train on workers until `close()`. This process stays the only writer of the
 * workspace's store.
 */
import type { Lamina } from '../core/lamina';
import { QueueCoordinator } from '../core/distributed/coordinator';
import type { Output } from './output';

export interface OpenQueue {
  coordinator: QueueCoordinator;
  close(): Promise<void>;
}

export async function openQueue(lamina: Lamina, url: string | undefined, out: Output): Promise<OpenQueue | null> {
  if (!url) return null;
  const coordinator = await QueueCoordinator.open(url);
  out.warn(`training on workers of ${coordinator.connection.display} (artifacts come back to ${coordinator.transferUrl})`);
  lamina.useRemoteTraining(coordinator);
  return {
    coordinator,
    close: async () => {
      lamina.useRemoteTraining(null);
      await coordinator.close();
    },
  };
}

/** Runs `fn` with the queue open (when a URL is given), and closes it however `fn` ends. */
export async function withQueue<T>(lamina: Lamina, url: string | undefined, out: Output, fn: (q: QueueCoordinator | null) => Promise<T>): Promise<T> {
  const q = await openQueue(lamina, url, out);
  try {
    return await fn(q?.coordinator ?? null);
  } finally {
    await q?.close();
  }
}
