/**
 * Medical CNN: a small batch-norm network for single-channel scans such as windowed 64×64 CT
 * slices (the medical-imaging plugin's DICOM and NIfTI imports).
 *
 *   image → [conv 3×3 → batch norm → relu → max pool] × blocks → global max pool → dropout → dense softmax
 *
 * Few filters (8, doubled per block) keep it fast on a CPU; global max pooling asks "is there a
 * lesion anywhere?", which suits small findings, keeps the head tiny (few weights to overfit a
 * small set) and lets Grad-CAM point at where the evidence is. Batch-norm momentum is 0.9, not
 * 0.99: small medical sets give few batches per epoch, and slow running statistics would leave
 * evaluation with un-normalised activations. Params: filters (8), blocks (3), dropout (0.2),
 * lr (0.003), optimizer (adam).
 */
export const meta: Lamina.ModelMeta = {
  name: 'Medical CNN (64×64, batch norm)',
  description: 'Conv–BN–ReLU–pool blocks and global max pooling: small, fast and steady on small medical image sets.',
  tasks: ['classification'],
  defaults: { epochs: 25, batchSize: 16 },
};

export default function createModel(ctx: Lamina.ModelContext) {
  const { tf } = ctx;
  if (ctx.inputShape.length !== 3) throw new Error(`the medical CNN needs images [height, width, channels], got [${ctx.inputShape.join(', ')}]`);
  const model = tf.sequential({ name: 'medical_cnn' });
  let filters = ctx.param('filters', 8);
  let size = Math.min(ctx.inputShape[0], ctx.inputShape[1]);
  const blocks = ctx.param('blocks', 3);
  for (let b = 0; b < blocks && size >= 4; b++) {
    model.add(tf.layers.conv2d({ ...(b === 0 ? { inputShape: ctx.inputShape } : {}), filters, kernelSize: 3, padding: 'same', useBias: false }));
    model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    model.add(tf.layers.activation({ activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    filters *= 2;
    size = Math.floor(size / 2);
  }
  model.add(tf.layers.globalMaxPooling2d({}));
  const dropout = ctx.param('dropout', 0.2);
  if (dropout > 0) model.add(tf.layers.dropout({ rate: dropout }));
  model.add(tf.layers.dense({ units: ctx.numClasses, activation: 'softmax' }));
  model.compile({
    optimizer: ctx.optimizer(ctx.param('optimizer', 'adam'), ctx.param('lr', 0.003)),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
