/**
 * Autoencoder: a network trained to reproduce its own input through a narrow bottleneck.
 *
 *   x → encoder (dense layers shrinking) → code (bottleneck units) → decoder (growing) → x̂
 *
 * The loss compares x̂ with x, so no labels are needed (meta.target = 'input'). To reconstruct
 * well through few units, the encoder must learn a compressed description of the data: the code
 * is a learned, non-linear cousin of PCA. Useful for dimensionality reduction, denoising and
 * anomaly detection (unusual samples reconstruct badly).
 *
 * Params: hidden (encoder sizes, "32"), bottleneck (2), activation (relu | tanh | sigmoid | leakyRelu),
 * outputActivation (linear; sigmoid for data in [0, 1]), dropout (0), batchNorm (false), l1 (0:
 * try 1e-4 for a sparser code), loss (meanSquaredError), optimizer (adam), lr (0.005).
 */
export const meta: Lamina.ModelMeta = {
  name: 'Autoencoder',
  description: 'Dense encoder–bottleneck–decoder trained to reconstruct its input (no labels needed).',
  tasks: ['classification', 'regression'],
  target: 'input',
  // Stops after 10 epochs without a better val_loss and keeps the best epoch's weights.
  defaults: { earlyStoppingPatience: 10, restoreBestWeights: true },
};

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const size = ctx.inputShape.reduce((a, b) => a * b, 1);
  const hidden = ctx.param('hidden', '32').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
  const bottleneck = ctx.param('bottleneck', 2);
  const activation = ctx.param('activation', 'relu');
  const dropout = ctx.param('dropout', 0);
  const batchNorm = ctx.param('batchNorm', false);
  const l1 = ctx.param('l1', 0);

  const model = tf.sequential({ name: 'autoencoder' });
  // Work on a flat vector whatever the input's shape.
  model.add(tf.layers.reshape({ inputShape: ctx.inputShape, targetShape: [size] }));

  const block = (units: number) => {
    model.add(tf.layers.dense({ units, useBias: !batchNorm }));
    if (batchNorm) model.add(tf.layers.batchNormalization());
    if (activation === 'leakyRelu') model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    else model.add(tf.layers.activation({ activation: activation as 'relu' }));
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  };

  hidden.forEach(block); // encoder
  // The code: linear. An L1 penalty on its weights pushes each code unit to depend on few inputs.
  // (Keras would penalise the code's activations instead; TensorFlow.js cannot train activity
  // regularizers yet.)
  model.add(
    tf.layers.dense({
      units: bottleneck,
      name: 'code',
      kernelRegularizer: l1 > 0 ? tf.regularizers.l1({ l1 }) : undefined,
    }),
  );
  [...hidden].reverse().forEach(block); // decoder mirrors the encoder
  model.add(tf.layers.dense({ units: size, activation: ctx.param('outputActivation', 'linear') as 'linear' }));
  // Give the reconstruction the input's shape (images stay images).
  if (ctx.inputShape.length > 1) model.add(tf.layers.reshape({ targetShape: ctx.inputShape }));

  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.005)),
    loss: ctx.param('loss', 'meanSquaredError'),
  });
  return model;
}
