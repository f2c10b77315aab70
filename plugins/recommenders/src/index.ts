/**
 * Recommenders: an interactions importer and recommender trainers, built only on @lamina/plugin-sdk.
 * See README.md for options, params and metric keys.
 */
import { definePlugin } from '@lamina/plugin-sdk';
import { importInteractions } from './importer';
import { recommend, users } from './recommend';
import { biasTrainer, bprTrainer, itemKnnTrainer, mfTrainer, neuMfTrainer, popularityTrainer } from './trainers';

export default definePlugin({
  commands: { recommend, users },
  importers: { interactions: (file, ctx) => importInteractions(file, ctx) },
  trainers: {
    popularity: popularityTrainer,
    'bias-baseline': biasTrainer,
    'item-knn': itemKnnTrainer,
    mf: mfTrainer,
    bpr: bprTrainer,
    neumf: neuMfTrainer,
  },
});
