/**
 * ROC and precision–recall curves of a classification run's test scores, one-vs-rest per class
 * (for two classes, each class against the other). Kept with the run's classification report so
 * run detail can draw them for every classification run, whatever produced the scores.
 * Pure functions over plain arrays.
 */
import type { ClassCurves, ScoreCurves } from '../../domain';
import { rocAuc } from '../../../../plugins/sdk/src/roc';

/** Most points kept per curve (evenly thinned by rank; the end points always stay). */
export const MAX_CURVE_POINTS = 400;

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

/**
 * One class against the rest: ROC points [fpr, tpr, threshold] and PR points [recall, precision,
 * threshold], one per distinct score from the highest down ("predict positive when score ≥ t"),
 * the AUC and the average precision (sklearn's step-wise AP).
 */
export function classCurves(label: string, scores: ArrayLike<number>, positive: ArrayLike<boolean>, max = MAX_CURVE_POINTS): ClassCurves {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) if (positive[i]) P++;
  const N = n - P;
  const roc: [number, number, number][] = [[0, 0, 1]];
  const pr: [number, number, number][] = [];
  let tp = 0, fp = 0, ap = 0, lastRecall = 0;
  for (let i = 0; i < n; i++) {
    if (positive[idx[i]]) tp++; else fp++;
    if (i + 1 < n && scores[idx[i + 1]] === scores[idx[i]]) continue;
    const t = scores[idx[i]];
    const recall = P ? tp / P : 0, precision = tp / (tp + fp);
    roc.push([N ? fp / N : 0, recall, t]);
    pr.push([recall, precision, t]);
    ap += (recall - lastRecall) * precision;
    lastRecall = recall;
  }
  return {
    label,
    positives: P,
    negatives: N,
    auc: orNull(rocAuc(scores, positive)),
    averagePrecision: P ? ap : null,
    roc: thin(roc, max),
    pr: thin(pr, max),
  };
}

/**
 * Curves for every class from the model's test outputs: `values` is n × width, where width 1 is a
 * sigmoid's P(class 1) and width k is one probability per class.
 */
export function scoreCurves(targets: ArrayLike<number>, values: ArrayLike<number>, width: number, classes: string[]): ScoreCurves | null {
  const n = targets.length;
  if (!n || classes.length < 2) return null;
  const k = width === 1 ? 2 : width;
  if (k !== classes.length || values.length !== n * width) return null;
  const scoreOf = (i: number, c: number) => (width === 1 ? (c === 1 ? values[i] : 1 - values[i]) : values[i * width + c]);
  const perClass = classes.map((label, c) => {
    const scores = new Float64Array(n);
    const positive: boolean[] = [];
    for (let i = 0; i < n; i++) {
      scores[i] = scoreOf(i, c);
      positive.push(targets[i] === c);
    }
    return classCurves(label, scores, positive);
  });
  const aucs = perClass.map((c) => c.auc).filter((v): v is number => v !== null);
  return {
    perClass,
    macroAuc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null,
    n,
  };
}
