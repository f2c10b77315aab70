/** A model summary as Keras's model.summary() prints it: layer (type), output shape, params, then totals. */
import type { ModelSummary } from '../core/domain';

export function modelSummaryText(s: ModelSummary): string {
  const rows = s.layers.map((l) => [`${l.name} (${l.className})`, JSON.stringify(l.outputShape).replace(/null/g, 'None'), String(l.params)]);
  const head = ['Layer (type)', 'Output Shape', 'Param #'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('').trimEnd();
  const rule = (ch: string) => ch.repeat(w.reduce((a, b) => a + b, 0));
  return [
    `Model: "${s.name}"`,
    rule('_'),
    line(head),
    rule('='),
    ...rows.flatMap((r, i) => [line(r), i < rows.length - 1 ? rule('_') : rule('=')]),
    `Total params: ${s.totalParams}`,
    `Trainable params: ${s.trainableParams}`,
    `Non-trainable params: ${s.nonTrainableParams}`,
    rule('_'),
  ].join('\n');
}
