/**
 * LeNet-5 (LeCun et al., 1998): the convolutional network that read handwritten digits on cheques.
 *
 *   image → conv 6@5×5 → pool 2×2 → conv 16@5×5 → pool 2×2 → dense 120 → dense 84 → classes
 *
 * A convolution slides small learned filters over the image, so the same edge or stroke detector
 * works everywhere; pooling halves the resolution, keeping the strongest (max) or average response.
 * The original used tanh and average pooling; try activation=relu and pooling=max to see why
 * modern networks changed.
 *
 * Input: an image [height, width, channels], or a flat vector of a square image's pixels
 * (e.g. 64 values → 8×8×1), which is reshaped first.
 *
 * Params: activation (tanh), pooling (avg | max), padding (same | valid; same keeps small images
 * from shrinking to nothing), filters1 (6), filters2 (16), kernel (5), dense1 (120), dense2 (84),
 * dropout (0), batchNorm (false), l2 (0), loss (categoricalCrossentropy), optimizer (adam), lr (0.003).
 */
export const meta: Lamina.ModelMeta = {
  name: 'LeNet-5',
  description: 'The classic convolutional network for small grayscale images (digits).',
  tasks: ['classification'],
  // Enough epochs to converge on small datasets such as iris or 8×8 digits.
  // Stops after 5 epochs without a better val_loss and keeps the best epoch's weights.
  defaults: { epochs: 20, batchSize: 32, earlyStoppingPatience: 5, restoreBestWeights: true },
};

/** [h, w, c] for the convolution: images as they are, flat square vectors reshaped. */
function imageShape(inputShape: number[]): [number, number, number] {
  if (inputShape.length === 3) return inputShape as [number, number, number];
  if (inputShape.length === 2) return [inputShape[0], inputShape[1], 1];
  const side = Math.round(Math.sqrt(inputShape[0]));
  if (side * side !== inputShape[0]) {
    throw new Error(`LeNet-5 needs an image; a flat input must be a square number of pixels (got ${inputShape[0]})`);
  }
  return [side, side, 1];
}

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const activation = ctx.param('activation', 'tanh') as 'tanh';
  const padding = ctx.param('padding', 'same') as 'same' | 'valid';
  const kernelSize = ctx.param('kernel', 5);
  const dropout = ctx.param('dropout', 0);
  const batchNorm = ctx.param('batchNorm', false);
  const l2 = ctx.param('l2', 0);
  const kernelRegularizer = l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;
  const pool = () =>
    ctx.param('pooling', 'avg') === 'max'
      ? tf.layers.maxPooling2d({ poolSize: 2, strides: 2 })
      : tf.layers.averagePooling2d({ poolSize: 2, strides: 2 });

  const model = tf.sequential({ name: 'lenet5' });
  model.add(tf.layers.reshape({ inputShape: ctx.inputShape, targetShape: imageShape(ctx.inputShape) }));

  // Feature extractor: two convolution + pooling stages.
  for (const filters of [ctx.param('filters1', 6), ctx.param('filters2', 16)]) {
    model.add(tf.layers.conv2d({ filters, kernelSize, padding, activation: batchNorm ? 'linear' : activation, kernelRegularizer }));
    if (batchNorm) {
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation }));
    }
    model.add(pool());
  }

  // Classifier: flatten the feature maps and use dense layers.
  model.add(tf.layers.flatten());
  for (const units of [ctx.param('dense1', 120), ctx.param('dense2', 84)]) {
    model.add(tf.layers.dense({ units, activation, kernelRegularizer }));
    if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  }
  model.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax' }));

  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.003)),
    loss: ctx.param('loss', 'categoricalCrossentropy'),
    metrics: ['accuracy'],
  });
  return model;
}
