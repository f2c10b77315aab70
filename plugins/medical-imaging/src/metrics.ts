/**
 * Medical metrics on the test split: ROC AUC (binary, or the macro mean of one-vs-rest AUCs),
 * and sensitivity / specificity at the run's decision (the predicted class, i.e. threshold 0.5
 * for two classes). For two classes the positive class is the one not named like "normal"
 * (normal, negative, healthy, benign, control, no, 0, false), else the second class.
 * Multi-class: the macro mean over classes, each taken one-vs-rest.
 */
import type { MetricInput } from '@lamina/plugin-sdk';

const NEGATIVE = /^(normal|negative|neg|healthy|benign|control|no|none|0|false|absent)$/i;

export function positiveClass(classes: string[]): number {
  if (classes.length !== 2) return 1;
  if (NEGATIVE.test(classes[1]) && !NEGATIVE.test(classes[0])) return 0;
  return 1;
}

/** Mann–Whitney AUC of `scores` for `positive` (ties count one half); NaN without both kinds. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1; // mean rank of the tie block, 1-based
    for (let k = i; k <= j; k++) if (positive[idx[k]]) { pos++; rankSum += rank; }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (!pos || !neg) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

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

export function auc(input: MetricInput): number {
  const k = input.classes.length;
  if (k === 2) {
    const p = positiveClass(input.classes);
    const { scores, positive } = oneVsRest(input, p);
    return rocAuc(scores, positive);
  }
  const per = Array.from({ length: k }, (_, c) => { const o = oneVsRest(input, c); return rocAuc(o.scores, o.positive); }).filter((v) => !Number.isNaN(v));
  return per.length ? per.reduce((a, b) => a + b, 0) / per.length : Number.NaN;
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
