/**
 * Medical metrics on the test split: ROC AUC (binary, or the macro mean of one-vs-rest AUCs),
 * and sensitivity / specificity at the run's decision (the predicted class, i.e. threshold 0.5
 * for two classes). For two classes the positive class is the one not named like "normal"
 * (normal, negative, healthy, benign, control, no, 0, false), else the second class.
 * Multi-class: the macro mean over classes, each taken one-vs-rest.
 */
import { rocAuc, type MetricInput, type MetricValues } from '@lamina/plugin-sdk';

const NEGATIVE = /^(normal|negative|neg|healthy|benign|control|no|none|0|false|absent)$/i;

export function positiveClass(classes: string[]): number {
  if (classes.length !== 2) return 1;
  if (NEGATIVE.test(classes[1]) && !NEGATIVE.test(classes[0])) return 0;
  return 1;
}

/** Mann–Whitney AUC (the SDK's, as Lamina's own ROC curves use). */
export { rocAuc };

/** ROC curve points (false-positive rate, true-positive rate), one per distinct threshold. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>): { fpr: number; tpr: number; threshold: number }[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) P++;
  const N = positive.length - P;
  const out = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0, fp = 0;
  for (let i = 0; i < idx.length; i++) {
    if (positive[idx[i]]) tp++; else fp++;
    if (i + 1 === idx.length || scores[idx[i + 1]] !== scores[idx[i]]) out.push({ fpr: N ? fp / N : 0, tpr: P ? tp / P : 0, threshold: scores[idx[i]] });
  }
  return out;
}

function oneVsRest(input: MetricInput, c: number): { scores: Float32Array; positive: boolean[] } {
  const k = input.classes.length;
  const scores = new Float32Array(input.n);
  const positive: boolean[] = [];
  for (let i = 0; i < input.n; i++) {
    scores[i] = input.probabilities ? input.probabilities[i * k + c] : input.yPred[i] === c ? 1 : 0;
    positive.push(input.yTrue[i] === c);
  }
  return { scores, positive };
}

/**
 * `test_auc` (binary: the positive class's; multi-class: the macro mean of one-vs-rest AUCs) and,
 * through the 1.2 metric contract, `test_auc_<class>` for every class (one-vs-rest).
 */
export function auc(input: MetricInput): MetricValues {
  const k = input.classes.length;
  const per = Array.from({ length: k }, (_, c) => { const o = oneVsRest(input, c); return rocAuc(o.scores, o.positive); });
  const out: MetricValues = {};
  input.classes.forEach((name, c) => { if (!Number.isNaN(per[c])) out[name] = per[c]; });
  if (k === 2) {
    out.value = per[positiveClass(input.classes)];
    return out;
  }
  const ok = per.filter((v) => !Number.isNaN(v));
  out.value = ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : Number.NaN;
  return out;
}

function rates(input: MetricInput, c: number): { sensitivity: number; specificity: number } {
  let tp = 0, fn = 0, tn = 0, fp = 0;
  for (let i = 0; i < input.n; i++) {
    const actual = input.yTrue[i] === c, predicted = input.yPred[i] === c;
    if (actual && predicted) tp++;
    else if (actual) fn++;
    else if (predicted) fp++;
    else tn++;
  }
  return { sensitivity: tp + fn ? tp / (tp + fn) : Number.NaN, specificity: tn + fp ? tn / (tn + fp) : Number.NaN };
}

function macro(input: MetricInput, key: 'sensitivity' | 'specificity'): number {
  const k = input.classes.length;
  if (k === 2) return rates(input, positiveClass(input.classes))[key];
  const vals = Array.from({ length: k }, (_, c) => rates(input, c)[key]).filter((v) => !Number.isNaN(v));
  return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : Number.NaN;
}

export const sensitivity = (input: MetricInput) => macro(input, 'sensitivity');
export const specificity = (input: MetricInput) => macro(input, 'specificity');
