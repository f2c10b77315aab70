import type { Command } from '../command';
import { keyValues, str, usage } from '../args';
import { chooseModel } from '../modelArg';
import { INSPECT_TIMEOUT_ENV, inspectTimeoutMs } from '../../core/engine/inspectTimeout';
import { modelSummaryText } from '../modelSummaryText';

/**
 * `lamina summary --model M --dataset D`: builds the model for the dataset's shapes in a host
 * process (as the editor's summary does) and prints it as Keras's model.summary() does, without
 * training. A model that does not build prints its error with the line and exits 1.
 */
export const summaryCommand: Command = {
  name: 'summary',
  summary: "print a model's layers, output shapes and parameter counts for a dataset, as Keras's model.summary()",
  usage: 'lamina summary --model FILE|template:ID|NAME --dataset D [--param K=V]…',
  options: { model: { type: 'string' }, dataset: { type: 'string' }, param: { type: 'string', multiple: true } },
  async run({ args, out, core }) {
    const modelArg = str(args.values.model);
    const dataset = str(args.values.dataset);
    if (!modelArg) throw usage('summary needs --model FILE|template:ID|NAME');
    if (!dataset) throw usage('summary needs --dataset D (the model is built for its input shape and classes)');
    const lamina = core();
    const ds = lamina.getDataset(dataset);
    const choice = chooseModel(lamina, modelArg);
    const source = choice.source ?? lamina.readModel(choice.model);
    const params = keyValues(args.values.param as string[] | undefined, 'param');
    // Someone at a terminal waits for the answer: a cold host on a busy machine may take well over the
    // editor's limit, so the CLI allows two minutes unless $LAMINA_INSPECT_TIMEOUT_MS says otherwise.
    const timeoutMs = process.env[INSPECT_TIMEOUT_ENV] ? inspectTimeoutMs() : 120_000;
    const inspection = await lamina.inspectModel(source, ds.id, params, { timeoutMs });
    if (!inspection.ok || !inspection.summary) {
      const e = inspection.error;
      const where = e?.line !== undefined ? ` at line ${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : '';
      out.result({ ok: false, error: e }, () => `the model did not build${where}: ${e?.message ?? 'unknown error'}`);
      return 1;
    }
    const summary = inspection.summary;
    out.result(summary, () => modelSummaryText(summary));
  },
};
