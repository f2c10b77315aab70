/**
 * What a warm spare host does before any job arrives (LAMINA_HOST_PREWARM=1): load TF.js, activate
 * the best backend (wasm's module compiled and instantiated, Lamina's kernels registered) and load
 * the dataset reader, so a job starts with training. Nothing here draws random numbers or creates
 * tensors: the job's seed is installed when the job arrives, exactly as in a cold host, so replays
 * stay bit for bit. A failure here is not reported: the job tries again and reports it.
 */
import { chooseBackend } from './backends';
import { arrow, esbuild } from '../../util/lazyModules';

export async function prewarmHost(): Promise<void> {
  try {
    await chooseBackend(null);
  } catch {
    // The job's own chooseBackend reports why.
  }
  try {
    await import('../../datasets/tensorCache');
    arrow();
    esbuild(); // model sources compile through it
  } catch {
    // Likewise: the job's loadRunDataset reports it.
  }
}
