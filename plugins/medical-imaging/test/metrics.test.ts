/**
 * Medical metrics on hand-checkable inputs: AUC as the probability that a positive outranks a
 * negative (ties one half), the positive class chosen by name, macro one-vs-rest for more than
 * two classes, and sensitivity/specificity at the predicted class.
 */
import { describe, expect, it } from 'vitest';
import { runMetric, runMetricValues } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import { positiveClass, rocAuc, rocCurve } from '../src/metrics';

function input(classes: string[], yTrue: number[], probs: number[][]) {
  const k = classes.length;
  return {
    task: 'classification' as const, classes, n: yTrue.length,
    yTrue: Float32Array.from(yTrue),
    yPred: Float32Array.from(probs.map((p) => p.indexOf(Math.max(...p)))),
    probabilities: Float32Array.from(probs.flat().slice(0, yTrue.length * k)),
  };
}

describe('medical metrics', () => {
  it('rocAuc counts positive-over-negative pairs, ties as one half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 10);
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5);
    expect(rocAuc([1, 2, 3], [true, true, true])).toBeNaN();
    const curve = rocCurve([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    expect(curve[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(curve.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
  });

  it('the positive class is the one not named like "normal"', () => {
    expect(positiveClass(['lesion', 'normal'])).toBe(0);
    expect(positiveClass(['benign', 'malignant'])).toBe(1);
    expect(positiveClass(['cat', 'dog'])).toBe(1);
  });

  it('binary: AUC, sensitivity and specificity of the positive class', async () => {
    // classes lesion (positive), normal; rows: 3 lesions, 3 normals.
    const data = input(['lesion', 'normal'], [0, 0, 0, 1, 1, 1], [[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.4, 0.6], [0.2, 0.8], [0.7, 0.3]]);
    // Lesion scores of the lesions 0.9, 0.6, 0.3 vs of the normals 0.4, 0.2, 0.7: pairs won 3 + 2 + 1 of 9.
    expect(await runMetric(plugin, 'auc', data)).toBeCloseTo(6 / 9, 10);
    expect(await runMetric(plugin, 'sensitivity', data)).toBeCloseTo(2 / 3, 10);
    expect(await runMetric(plugin, 'specificity', data)).toBeCloseTo(2 / 3, 10);
    const all = await runMetricValues(plugin, 'auc', data);
    expect(all).toEqual({ test_auc: all.test_auc_lesion, test_auc_lesion: expect.closeTo(6 / 9, 10), test_auc_normal: expect.closeTo(6 / 9, 10) });
  });

  it('a metric answer that is neither a number nor named numbers is refused with the reason', async () => {
    const { metricValues } = await import('@lamina/plugin-sdk');
    expect(metricValues('auc', 'high')).toBe('returned string, not a number or an object of named numbers');
    expect(metricValues('auc', { value: 1, 'Lesion!': 'x' })).toBe('returned "Lesion!": string, not a number');
    expect(metricValues('auc', { value: 0.5, 'Ground Glass': 0.7 })).toEqual({ test_auc: 0.5, test_auc_ground_glass: 0.7 });
  });

  it('multi-class: macro one-vs-rest', async () => {
    const data = input(['a', 'b', 'c'], [0, 1, 2, 0], [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.6, 0.1]]);
    const auc = await runMetric(plugin, 'auc', data);
    // a: positives 0.8, 0.3 vs 0.1, 0.2 → 1; b: 0.8 vs 0.1, 0.2, 0.6 → 1; c: 0.6 vs 0.1, 0.1, 0.1 → 1.
    expect(auc).toBeCloseTo(1, 10);
    // Per class (plugin API 1.2 named values): test_auc_<class>.
    const all = await runMetricValues(plugin, 'auc', data);
    expect(Object.keys(all).sort()).toEqual(['test_auc', 'test_auc_a', 'test_auc_b', 'test_auc_c']);
    expect(all.test_auc_b).toBeCloseTo(1, 10);
    // Predictions a, b, c, b: recall a 1/2, b 1, c 1 → 5/6; specificity a 1, b 2/3, c 1 → 8/9.
    expect(await runMetric(plugin, 'sensitivity', data)).toBeCloseTo(5 / 6, 10);
    expect(await runMetric(plugin, 'specificity', data)).toBeCloseTo(8 / 9, 10);
  });
});
