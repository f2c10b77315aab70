/**
 * Types for model sources (the files users edit, and resources/templates/*.ts). Global, so a model
 * file needs no import: `export default function createModel(ctx: Lamina.ModelContext) { … }`.
 * The editor loads this file for IntelliSense; the host implements it in models/modelSource.ts.
 */
/* eslint-disable @typescript-eslint/consistent-type-imports -- an import statement would turn this global declaration file into a module */
declare namespace Lamina {
  type Task = 'classification' | 'regression';
  type ParamValue = string | number | boolean;
  type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adagrad' | 'adadelta' | 'rmsprop';

  interface ModelMeta {
    name?: string;
    description?: string;
    /** Tasks the model suits; a run on another task is refused with a clear message. */
    tasks?: Task[];
    /** 'input' makes it an autoencoder: it is trained to reproduce its input. */
    target?: 'input' | 'label';
    /** Training defaults that suit this model, used when a run does not set them. */
    defaults?: {
      epochs?: number;
      batchSize?: number;
      /** Early stopping patience in epochs (0 = off). */
      earlyStoppingPatience?: number;
      /** With early stopping: keep the best epoch's weights (Keras restore_best_weights). */
      restoreBestWeights?: boolean;
      /** Clip the gradients' global norm at this value. */
      clipNorm?: number;
    };
  }

  interface ModelContext {
    /** The TensorFlow.js the training host runs on (same as `import * as tf from '@tensorflow/tfjs'`). */
    tf: typeof import('@tensorflow/tfjs');
    /** Shape of one sample, e.g. [4] (tabular) or [28, 28, 1] (images). */
    inputShape: number[];
    /** Shape the last layer must have: [numClasses], [1] for regression, inputShape for autoencoders. */
    outputShape: number[];
    task: Task;
    /** Number of classes (0 for regression). */
    numClasses: number;
    /** Class labels in index order. */
    classes: string[];
    /** Hyperparameters of the run (`--param k=v`, the UI's params table). */
    params: Record<string, ParamValue>;
    /** The run's seed. Initializers, dropout and shuffling are already seeded from it. */
    seed: number;
    /**
     * An optimizer: `name` / `learningRate`, else params.optimizer / params.lr, else Adam.
     * A run's --optimizer / --lr override wins over all of them.
     */
    optimizer(name?: OptimizerName | string, learningRate?: number): import('@tensorflow/tfjs').Optimizer;
    /** `params[name]`, converted to the type of `fallback`; `fallback` when not set. */
    param(name: string, fallback: number): number;
    param(name: string, fallback: string): string;
    param(name: string, fallback: boolean): boolean;
  }

  type CreateModel = (ctx: ModelContext) => import('@tensorflow/tfjs').LayersModel | Promise<import('@tensorflow/tfjs').LayersModel>;
}
