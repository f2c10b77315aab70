/**
 * LSTM: a recurrent network that reads its input one time step at a time, carrying a memory
 * (the cell state) whose gates learn what to keep, what to forget and what to output.
 *
 *   sequence [steps, features] → LSTM(units) → (dropout) → dense → classes or a value
 *
 * Input: a sequence [steps, features]; a flat vector is read as a sequence. A square number of
 * values (e.g. an 8×8 image's 64 pixels) is read row by row (8 steps of 8 values); otherwise one
 * value per step. Set `steps` to choose: the values are split into `steps` equal chunks.
 *
 * Params: units (32), steps (auto), dropout (0, applied to the LSTM's output),
 * activation of the cell (tanh), l2 (0), loss (by task),
 * optimizer (adam), lr (0.005).
 *
 * Recurrent nets can take a huge gradient step when the loss surface is steep (exploding
 * gradients): at lr 0.01 without clipping some seeds diverged. The defaults clip the gradient's
 * global norm at 1 and use lr 0.005; early stopping keeps the best epoch's weights.
 */
export const meta: Lamina.ModelMeta = {
  name: 'LSTM',
  description: 'A recurrent network for sequences; flat inputs are read as sequences.',
  tasks: ['classification', 'regression'],
  defaults: { clipNorm: 1, earlyStoppingPatience: 10, restoreBestWeights: true },
};

function sequenceShape(inputShape: number[], steps: number): [number, number] {
  if (inputShape.length === 2) return inputShape as [number, number];
  const total = inputShape.reduce((a, b) => a * b, 1);
  if (inputShape.length === 3) return [inputShape[0], inputShape[1] * inputShape[2]]; // image rows as steps
  if (steps > 0) {
    if (total % steps !== 0) throw new Error(`steps=${steps} does not divide the ${total} input values`);
    return [steps, total / steps];
  }
  const side = Math.round(Math.sqrt(total));
  return side > 1 && side * side === total ? [side, side] : [total, 1];
}

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  const dropout = ctx.param('dropout', 0);
  const l2 = ctx.param('l2', 0);
  const kernelRegularizer = l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;

  const model = tf.sequential({ name: 'lstm' });
  model.add(tf.layers.reshape({ inputShape: ctx.inputShape, targetShape: sequenceShape(ctx.inputShape, ctx.param('steps', 0)) }));
  // Only the last step's output is kept (returnSequences: false): a summary of the whole sequence.
  model.add(
    tf.layers.lstm({
      units: ctx.param('units', 32),
      activation: ctx.param('activation', 'tanh') as 'tanh',
      kernelRegularizer,
    }),
  );
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));

  if (ctx.task === 'classification') {
    model.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax' }));
  } else {
    model.add(tf.layers.dense({ units: 1 }));
  }
  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.005)),
    loss: ctx.param('loss', ctx.task === 'classification' ? 'categoricalCrossentropy' : 'meanSquaredError'),
    metrics: ctx.task === 'classification' ? ['accuracy'] : ['mae'],
  });
  return model;
}
