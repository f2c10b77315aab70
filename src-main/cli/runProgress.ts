/**
 * Progress of a run this process starts without knowing its id up front (a replay): the first
 * run that starts while `watch` is on is the one followed. Draws only on a terminal; Ctrl-C
 * cancels that run cleanly.
 */
import type { Lamina } from '../core/lamina';
import { formatMetric, type Output } from './output';

export async function withRunProgress<T>(core: Lamina, out: Output, label: string, work: () => Promise<T>): Promise<T> {
  const bar = out.progress(label);
  let runId: string | null = null;
  const off = core.onEvent((e) => {
    if (e.type === 'run.started' && runId === null) runId = e.runId;
    else if (e.type === 'run.progress' && e.runId === runId) {
      const f = ((e.epoch - 1) * e.batches + e.batch) / (e.epochs * e.batches);
      bar.update(f, `epoch ${e.epoch}/${e.epochs} loss ${formatMetric(e.loss)}`);
    }
  });
  const onSigint = () => {
    out.warn('\ncancelling…');
    try {
      if (runId) core.cancelRun(runId);
    } catch {
      /* already ended */
    }
  };
  process.once('SIGINT', onSigint);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSigint);
    off();
    bar.done();
  }
}
