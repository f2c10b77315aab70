/**
 * Evaluation on the test split: pure functions over plain arrays, so the math is testable
 * against hand-computed values without TensorFlow.js.
 */
import type { ClassificationReport } from '../../domain';

/** confusion[actual][predicted] */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  if (actual.length !== predicted.length) throw new Error(`${actual.length} labels but ${predicted.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const p = predicted[i];
    if (!(a >= 0 && a < numClasses && p >= 0 && p < numClasses)) throw new Error(`class index out of range at row ${i}: actual ${a}, predicted ${p}`);
    m[a][p]++;
  }
  return m;
}

const ratio = (num: number, den: number) => (den === 0 ? 0 : num / den);

/** Per-class precision/recall/F1/support, accuracy and macro-F1 (sklearn's zero_division=0 convention). */
export function classificationReport(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: string[]): ClassificationReport {
  const confusion = confusionMatrix(actual, predicted, classes.length);
  let correct = 0;
  const perClass = classes.map((label, k) => {
    const tp = confusion[k][k];
    correct += tp;
    const support = confusion[k].reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((sum, row) => sum + row[k], 0);
    const precision = ratio(tp, predictedK);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { label, precision, recall, f1, support };
  });
  const total = actual.length;
  return {
    classes: [...classes],
    confusion,
    perClass,
    accuracy: ratio(correct, total),
    macroF1: perClass.length ? perClass.reduce((s, c) => s + c.f1, 0) / perClass.length : 0,
  };
}

export interface RegressionMetrics {
  mse: number;
  mae: number;
  /** 1 − SS_res / SS_tot; for constant targets 1 if predicted exactly, else 0. */
  r2: number;
}

export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const n = actual.length;
  if (n !== predicted.length) throw new Error(`${n} targets but ${predicted.length} predictions`);
  if (n === 0) return { mse: NaN, mae: NaN, r2: NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i];
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i] - predicted[i];
    sse += e * e;
    sae += Math.abs(e);
    sst += (actual[i] - mean) ** 2;
  }
  const r2 = sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
  return { mse: sse / n, mae: sae / n, r2 };
}

/** Index of the largest value in each row of a row-major [rows, width] array. */
export function argmaxRows(values: ArrayLike<number>, width: number): Int32Array {
  const rows = width === 0 ? 0 : values.length / width;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[r * width + c] > values[r * width + best]) best = c;
    out[r] = best;
  }
  return out;
}
