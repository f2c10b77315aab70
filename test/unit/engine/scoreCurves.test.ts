/**
 * ROC / PR curves kept with every classification run's report: hand-checked values, then
 * scikit-learn's roc_auc_score, average_precision_score and roc_curve on seeded random scores
 * (binary and one-vs-rest multi-class), when scikit-learn is installed (Debian's python3-sklearn, which .ci/run installs).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classCurves, scoreCurves } from '../../../src-main/core/engine/host/scoreCurves';

const PYTHON = '/usr/bin/python3';
const sklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('score curves', () => {
  it('hand-checked: AUC, AP, ROC points with thresholds, ties in one step', () => {
    // positives 0.9, 0.6, 0.3; negatives 0.4, 0.2, 0.7 → AUC 6/9
    const c = classCurves('lesion', [0.9, 0.6, 0.3, 0.4, 0.2, 0.7], [true, true, true, false, false, false]);
    expect(c.auc).toBeCloseTo(6 / 9, 12);
    expect(c.roc[0]).toEqual([0, 0, 1]);
    expect(c.roc.at(-1)!.slice(0, 2)).toEqual([1, 1]);
    expect(c.roc.map((p) => p[2]).slice(1)).toEqual([0.9, 0.7, 0.6, 0.4, 0.3, 0.2]);
    // AP = Σ (R_k − R_{k−1}) P_k: recalls 1/3 @1, 2/3 @2/3, 1 @3/5
    expect(c.averagePrecision).toBeCloseTo((1 / 3) * 1 + (1 / 3) * (2 / 3) + (1 / 3) * (3 / 5), 12);
    const ties = classCurves('x', [0.5, 0.5, 0.5, 0.5], [true, false, true, false]);
    expect(ties.auc).toBe(0.5);
    expect(ties.roc).toEqual([[0, 0, 1], [1, 1, 0.5]]);
  });

  it('a class with no positives in the test split has no AUC (null, not NaN)', () => {
    const c = scoreCurves([0, 0, 0], [0.1, 0.2, 0.3], 1, ['a', 'b'])!;
    expect(c.perClass[1].auc).toBeNull();
    expect(c.macroAuc).toBeNull();
    expect(JSON.parse(JSON.stringify(c)).perClass[1].auc).toBeNull();
  });

  it('a sigmoid output (width 1) gives both classes, mirror images of each other', () => {
    const c = scoreCurves([1, 0, 1, 0], [0.8, 0.3, 0.4, 0.6], 1, ['neg', 'pos'])!;
    expect(c.perClass.map((p) => p.label)).toEqual(['neg', 'pos']);
    expect(c.perClass[1].auc).toBeCloseTo(0.75, 12);
    expect(c.perClass[0].auc).toBeCloseTo(0.75, 12);
  });

  it('long curves are thinned to at most 400 points, keeping both ends', () => {
    const r = seeded(3);
    const n = 5000;
    const scores = Array.from({ length: n }, () => r());
    const pos = scores.map((s) => r() < s);
    const c = classCurves('x', scores, pos);
    expect(c.roc.length).toBe(400);
    expect(c.roc[0]).toEqual([0, 0, 1]);
    expect(c.roc.at(-1)!.slice(0, 2)).toEqual([1, 1]);
  });

  it.skipIf(!sklearn)('matches scikit-learn (binary and one-vs-rest for 3 classes)', () => {
    const r = seeded(11);
    const n = 300;
    const k = 3;
    const y = Array.from({ length: n }, () => Math.floor(r() * k));
    // Noisy scores that lean towards the true class, with ties (rounded to 2 decimals).
    const probs: number[] = [];
    for (let i = 0; i < n; i++) {
      const raw = Array.from({ length: k }, (_, c) => r() + (c === y[i] ? 0.6 : 0));
      const sum = raw.reduce((a, b) => a + b, 0);
      probs.push(...raw.map((v) => Math.round((v / sum) * 100) / 100));
    }
    const ours = scoreCurves(y, probs, k, ['a', 'b', 'c'])!;
    const py = spawnSync(PYTHON, ['-c', `
import json, sys
import numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score, roc_curve
d = json.load(sys.stdin); y = np.array(d['y']); p = np.array(d['p']).reshape(len(y), -1)
out = []
for c in range(p.shape[1]):
    fpr, tpr, _ = roc_curve(y == c, p[:, c], drop_intermediate=False)
    out.append({'auc': roc_auc_score(y == c, p[:, c]), 'ap': average_precision_score(y == c, p[:, c]), 'n': len(fpr)})
print(json.dumps(out))
`], { input: JSON.stringify({ y, p: probs }), encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const ref = JSON.parse(py.stdout) as { auc: number; ap: number; n: number; macro?: number }[];
    for (let c = 0; c < k; c++) {
      expect(ours.perClass[c].auc).toBeCloseTo(ref[c].auc, 10);
      expect(ours.perClass[c].averagePrecision).toBeCloseTo(ref[c].ap, 10);
      // sklearn's first point is (0, 0) at threshold inf, then one per distinct score, as ours.
      expect(ours.perClass[c].roc.length).toBe(Math.min(400, ref[c].n));
    }
    // The macro AUC is the mean of the per-class one-vs-rest AUCs (scikit-learn's multi_class='ovr', average='macro').
    expect(ours.macroAuc).toBeCloseTo((ref[0].auc + ref[1].auc + ref[2].auc) / 3, 10);
  });
});
