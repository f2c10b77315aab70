/**
 * Lamina's ensembles plugin: bagging, random forests, AdaBoost (SAMME), gradient boosting,
 * stacking and voting over trees, linear models, small networks or the run's own --model.
 * Written only against @lamina/plugin-sdk; every member is a child run of the ensemble's run.
 */
import { definePlugin } from '@lamina/plugin-sdk';
import { adaboost } from './adaboost';
import { bagging } from './bagging';
import { gradientBoosting } from './gradientBoosting';
import { stacking } from './stacking';
import { voting } from './voting';

export default definePlugin({
  trainers: {
    bagging: (ctx) => bagging(ctx),
    'random-forest': (ctx) => bagging(ctx, true),
    adaboost,
    'gradient-boosting': gradientBoosting,
    stacking,
    voting,
  },
});
