/**
 * Multilayer perceptron: the "hello world" of deep learning.
 *
 * Data flows through a stack of fully-connected (dense) layers. Each hidden layer computes
 * activation(x·W + b); the last layer turns the result into class probabilities (softmax) or a
 * single number (regression). Training adjusts W and b to lower the loss.
 *
 * Every choice below is a parameter you can change per run (--param name=value, or the params table):
 *   hidden      layer sizes, e.g. "64,32"                         (default "32,16")
 *   activation  relu | tanh | sigmoid | leakyRelu | elu | selu     (default relu)
 *   alpha       slope of leakyRelu for x < 0                       (default 0.2)
 *   dropout     fraction of units dropped while training           (default 0 = off)
 *   batchNorm   normalise each hidden layer's pre-activations      (default false)
 *   l1, l2      weight penalties added to the loss                 (default 0)
 *   loss        categoricalCrossentropy | binaryCrossentropy | kullbackLeiblerDivergence |
 *               meanSquaredError | meanAbsoluteError               (default: by task)
 *   sigmoidOutput  for two classes: one sigmoid unit + binary cross-entropy instead of softmax
 *   optimizer   sgd | momentum | adam | adagrad | adadelta | rmsprop   (default adam)
 *   lr          learning rate                                      (default 0.01)
 */
export const meta: Lamina.ModelMeta = {
  name: 'Multilayer perceptron',
  description: 'Dense layers with a choice of activation, dropout, batch normalisation and L1/L2 penalties.',
  tasks: ['classification', 'regression'],
  // Enough epochs to converge on small datasets such as iris or 8×8 digits. A small table is
  // memorised within a few dozen epochs (train accuracy 1.0 while val_loss climbs), so training
  // stops after 10 epochs without a better val_loss and keeps the best epoch's weights.
  defaults: { epochs: 60, batchSize: 16, earlyStoppingPatience: 10, restoreBestWeights: true },
};

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const hidden = ctx.param('hidden', '32,16').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const activation = ctx.param('activation', 'relu');
  const dropout = ctx.param('dropout', 0);
  const batchNorm = ctx.param('batchNorm', false);
  const l1 = ctx.param('l1', 0);
  const l2 = ctx.param('l2', 0);
  // Penalising large weights (L2) or many non-zero weights (L1) fights overfitting.
  const regularizer = l1 > 0 || l2 > 0 ? tf.regularizers.l1l2({ l1, l2 }) : undefined;

  const model = tf.sequential({ name: 'mlp' });
  // Dense layers want a flat vector: flatten images or sequences first.
  if (ctx.inputShape.length > 1) model.add(tf.layers.flatten({ inputShape: ctx.inputShape }));

  hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        // The first layer declares the input shape (unless Flatten already did).
        ...(i === 0 && ctx.inputShape.length === 1 ? { inputShape: ctx.inputShape } : {}),
        // With batch norm the bias is redundant: BN adds its own shift (beta).
        useBias: !batchNorm,
        kernelRegularizer: regularizer,
      }),
    );
    // Batch normalisation goes between the linear part and the non-linearity.
    if (batchNorm) model.add(tf.layers.batchNormalization());
    if (activation === 'leakyRelu') {
      // Leaky ReLU is a layer in TensorFlow.js: x for x > 0, alpha·x otherwise.
      model.add(tf.layers.leakyReLU({ alpha: ctx.param('alpha', 0.2) }));
    } else {
      model.add(tf.layers.activation({ activation: activation as 'relu' }));
    }
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  });

  // Output layer and loss depend on the task.
  let loss: string;
  let metrics: string[];
  const firstLayerOptions = hidden.length === 0 && ctx.inputShape.length === 1 ? { inputShape: ctx.inputShape } : {};
  if (ctx.task === 'classification') {
    const sigmoidOutput = ctx.numClasses === 2 && ctx.param('sigmoidOutput', false);
    if (sigmoidOutput) {
      // One unit: the probability of the second class.
      model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', ...firstLayerOptions }));
      loss = ctx.param('loss', 'binaryCrossentropy');
    } else {
      // One unit per class; softmax makes them probabilities that sum to 1.
      model.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax', ...firstLayerOptions }));
      loss = ctx.param('loss', 'categoricalCrossentropy');
    }
    metrics = ['accuracy'];
  } else {
    // Regression: one linear unit, no squashing.
    model.add(tf.layers.dense({ units: 1, ...firstLayerOptions }));
    loss = ctx.param('loss', 'meanSquaredError');
    metrics = ['mae'];
  }

  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.01)),
    loss,
    metrics,
  });
  return model;
}
