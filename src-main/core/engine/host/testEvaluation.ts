/**
 * After training: loss on the test split plus task metrics (accuracy and macro-F1 with a full
 * report for classification; MSE, MAE and R² for regression and for autoencoder reconstructions).
 */
import type * as TF from '@tensorflow/tfjs';
import type { ClassificationReport, MisclassifiedSample } from '../../domain';
import { argmaxRows, classificationReport, regressionMetrics } from './evaluation';
import { scoreCurves } from './scoreCurves';
import type { LabelForm, SplitTensors } from './labels';

type Tf = typeof TF;

export interface TestEvaluation {
  testMetrics: Record<string, number>;
  report: ClassificationReport | null;
  /** The model's raw test outputs (n × width) and true targets, for plugin metrics; absent for autoencoders. */
  outputs?: { targets: Float32Array; values: Float32Array; width: number };
}

export async function evaluateTestSplit(
  tf: Tf,
  model: TF.LayersModel,
  test: SplitTensors | null,
  form: LabelForm,
  classes: string[],
  batchSize: number,
): Promise<TestEvaluation> {
  if (!test) return { testMetrics: {}, report: null };
  const testMetrics: Record<string, number> = {};
  const evaluated = model.evaluate(test.x, test.y, { batchSize }) as TF.Scalar | TF.Scalar[];
  const scalars = Array.isArray(evaluated) ? evaluated : [evaluated];
  testMetrics.test_loss = (await scalars[0].data())[0];
  tf.dispose(scalars);

  const prediction = model.predict(test.x, { batchSize }) as TF.Tensor;
  const values = (await prediction.data()) as Float32Array;
  const width = prediction.shape.slice(1).reduce((a, b) => a * b, 1);
  prediction.dispose();

  if (form === 'input') {
    const actual = (await test.y.data()) as Float32Array;
    const r = regressionMetrics(actual, values);
    Object.assign(testMetrics, { test_mse: r.mse, test_mae: r.mae, test_r2: r.r2 });
    return { testMetrics, report: null };
  }
  const outputs = { targets: test.targets, values, width };
  if (form === 'value') {
    const r = regressionMetrics(test.targets, values);
    Object.assign(testMetrics, { test_mse: r.mse, test_mae: r.mae, test_r2: r.r2 });
    return { testMetrics, report: null, outputs };
  }
  const predicted = form === 'binary' ? Int32Array.from(values, (p) => (p >= 0.5 ? 1 : 0)) : argmaxRows(values, width);
  const report = {
    ...classificationReport(test.targets, predicted, classes),
    curves: scoreCurves(test.targets, values, width, classes),
    misclassified: worstMistakes(test.rows, test.targets, predicted, values, width, form === 'binary'),
  };
  testMetrics.test_accuracy = report.accuracy;
  testMetrics.test_f1_macro = report.macroF1;
  return { testMetrics, report, outputs };
}

/** At most this many misclassified test samples are kept with a run (the gallery's worst mistakes). */
export const MISCLASSIFIED_KEPT = 64;

/**
 * The misclassified test samples, most confident mistake first (ties by row): the row in the
 * dataset, true and predicted class, and the probabilities the model gave each. Binary models
 * have one sigmoid output p (class 1), so class 0 has 1 − p.
 */
export function worstMistakes(
  rows: readonly number[],
  targets: ArrayLike<number>,
  predicted: ArrayLike<number>,
  values: ArrayLike<number>,
  width: number,
  binary: boolean,
  limit = MISCLASSIFIED_KEPT,
): MisclassifiedSample[] {
  const prob = (i: number, k: number) => (binary ? (k === 1 ? values[i]! : 1 - values[i]!) : values[i * width + k]!);
  const out: MisclassifiedSample[] = [];
  for (let i = 0; i < rows.length; i++) {
    const actual = targets[i]!;
    const p = predicted[i]!;
    if (p === actual) continue;
    out.push({ row: rows[i]!, actual, predicted: p, confidence: prob(i, p), actualProbability: prob(i, actual) });
  }
  out.sort((a, b) => b.confidence - a.confidence || a.row - b.row);
  return out.slice(0, limit);
}
