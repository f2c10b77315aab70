/**
 * The ensembles plugin versus scikit-learn (Debian's python3-sklearn), each with its defaults, on the
 * same split (60/10/30, seed 42, features standardised on the training rows): test accuracy (R² for
 * regression) and wall time per trainer. Lamina's time includes predicting the test rows; scikit-learn's
 * is fit + score. Run alone with `npx tsx test/bench/ensemblesBench.ts`, or as part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { csvTable, runTrainer, tableDataset } from '@lamina/plugin-sdk/testing';
import type { DatasetView } from '@lamina/plugin-sdk';
import plugin from '../../plugins/ensembles/src/index';
import { diabetesTable, hasSklearn, sklearnScores, testScore, wineTable } from '../../plugins/ensembles/test/reference';

const TRAINERS = ['bagging', 'random-forest', 'adaboost', 'gradient-boosting', 'stacking', 'voting'];

export interface EnsembleBenchRow {
  dataset: string;
  trainer: string;
  lamina: string;
  sklearn: string;
  'lamina s': string;
  'sklearn s': string;
}

export async function benchEnsembles(quick = false): Promise<EnsembleBenchRow[] | { skipped: string }> {
  if (!hasSklearn()) return { skipped: 'python3-sklearn is not installed (apt-get install python3-sklearn) — no scikit-learn reference' };
  const shared = resolve(__dirname, '../../../shared/datasets');
  const split: [number, number, number] = [0.6, 0.1, 0.3];
  const sets: DatasetView[] = [tableDataset(csvTable(readFileSync(resolve(shared, 'breast-cancer-wisconsin.csv'), 'utf8')), { target: 'diagnosis', split, name: 'breast-cancer' })];
  if (!quick) {
    sets.push(tableDataset(wineTable(), { target: 'cultivar', split, name: 'wine' }));
    sets.push(tableDataset(diabetesTable(), { target: 'progression', task: 'regression', split, name: 'diabetes (R²)' }));
  }
  const rows: EnsembleBenchRow[] = [];
  for (const data of sets) {
    const ids = TRAINERS.filter((t) => data.task === 'classification' || t !== 'adaboost');
    const ref = sklearnScores(data, ids);
    for (const id of ids) {
      const t0 = performance.now();
      const rec = await runTrainer(plugin, id, data, { seed: 1 });
      const score = testScore(data, Float32Array.from(await rec.result.predict!(data.test.x.slice(), data.test.n)));
      const seconds = (performance.now() - t0) / 1000;
      rows.push({ dataset: data.name, trainer: id, lamina: score.toFixed(4), sklearn: ref[id].score.toFixed(4), 'lamina s': seconds.toFixed(2), 'sklearn s': ref[id].seconds.toFixed(2) });
    }
  }
  return rows;
}

if (require.main === module) {
  void benchEnsembles(process.argv.includes('--quick')).then((r) => {
    console.log('Ensembles vs scikit-learn (defaults, same split; test accuracy or R²; wall seconds)');
    if ('skipped' in r) console.log(`  skipped: ${r.skipped}`);
    else console.table(r);
  });
}
