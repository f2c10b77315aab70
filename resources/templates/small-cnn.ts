/**
 * A small modern CNN: 3×3 convolutions with ReLU, batch normalisation, max pooling and dropout.
 *
 *   image → [conv 3×3 → (batch norm) → relu → max pool] × blocks → dropout → dense → classes
 *
 * Each block doubles the number of filters while pooling halves the resolution: the network trades
 * "where" for "what". Batch normalisation keeps each layer's inputs well scaled, which lets it
 * train with larger learning rates; dropout randomly silences units so none can be relied on alone.
 *
 * Input: an image [height, width, channels], or a flat vector of a square image's pixels
 * (e.g. 64 values → 8×8×1). Blocks stop before the image would shrink below 2×2.
 *
 * Params: filters (16, doubled per block), blocks (2), batchNorm (true), dropout (0.25),
 * dense (64), activation (relu | leakyRelu | elu | tanh), l1 / l2 (0), loss (categoricalCrossentropy),
 * optimizer (adam), lr (0.003).
 */
export const meta: Lamina.ModelMeta = {
  name: 'Small CNN',
  description: 'Conv–BatchNorm–ReLU–MaxPool blocks with dropout: a compact modern image classifier.',
  tasks: ['classification'],
  // Enough epochs to converge on small datasets such as iris or 8×8 digits.
  // Stops after 5 epochs without a better val_loss and keeps the best epoch's weights.
  defaults: { epochs: 10, batchSize: 32, earlyStoppingPatience: 5, restoreBestWeights: true },
};

function imageShape(inputShape: number[]): [number, number, number] {
  if (inputShape.length === 3) return inputShape as [number, number, number];
  if (inputShape.length === 2) return [inputShape[0], inputShape[1], 1];
  const side = Math.round(Math.sqrt(inputShape[0]));
  if (side * side !== inputShape[0]) {
    throw new Error(`a CNN needs an image; a flat input must be a square number of pixels (got ${inputShape[0]})`);
  }
  return [side, side, 1];
}

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const [height, width] = imageShape(ctx.inputShape);
  const batchNorm = ctx.param('batchNorm', true);
  const dropout = ctx.param('dropout', 0.25);
  const activationName = ctx.param('activation', 'relu');
  const l1 = ctx.param('l1', 0);
  const l2 = ctx.param('l2', 0);
  const kernelRegularizer = l1 > 0 || l2 > 0 ? tf.regularizers.l1l2({ l1, l2 }) : undefined;
  const nonLinearity = () =>
    activationName === 'leakyRelu'
      ? tf.layers.leakyReLU({ alpha: ctx.param('alpha', 0.1) })
      : tf.layers.activation({ activation: activationName as 'relu' });

  const model = tf.sequential({ name: 'small_cnn' });
  model.add(tf.layers.reshape({ inputShape: ctx.inputShape, targetShape: imageShape(ctx.inputShape) }));

  let filters = ctx.param('filters', 16);
  let size = Math.min(height, width);
  for (let block = 0; block < ctx.param('blocks', 2) && size >= 4; block++) {
    model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: !batchNorm, kernelRegularizer }));
    if (batchNorm) model.add(tf.layers.batchNormalization());
    model.add(nonLinearity());
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    filters *= 2;
    size = Math.floor(size / 2);
  }

  model.add(tf.layers.flatten());
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: ctx.param('dense', 64), kernelRegularizer }));
  model.add(nonLinearity());
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax' }));

  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.003)),
    loss: ctx.param('loss', 'categoricalCrossentropy'),
    metrics: ['accuracy'],
  });
  return model;
}
