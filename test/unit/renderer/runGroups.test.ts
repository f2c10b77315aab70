import { describe, expect, it } from 'vitest';
import { groupRuns } from '../../../src-renderer/src/components/runGroups';
import { lineChartOption, smooth, type ChartLine } from '../../../src-renderer/src/charts/metricChart';
import type { RunListItem } from '../../../src-renderer/src/stores/runs';

function run(id: string, params: Record<string, string>, metrics: Record<string, number>): RunListItem {
  return { id, name: null, experiment: 'Default', status: 'completed', modelName: 'mlp', datasetId: 'd', backend: 'cpu', seed: 1, createdAt: '2026-01-01T00:00:00Z', durationMs: 1000, params, metrics, tags: {} };
}

describe('groupRuns', () => {
  it('groups by a param with mean and sample standard deviation per metric', () => {
    const rows = groupRuns(
      [run('a', { hidden: '16' }, { acc: 0.9 }), run('b', { hidden: '16' }, { acc: 0.8 }), run('c', { hidden: '32' }, { acc: 0.95, loss: 0.1 }), run('d', {}, { acc: 0.5 })],
      'params.hidden',
    );
    expect(rows.map((r) => r.group?.label)).toEqual(['hidden = 16', 'hidden = 32', 'hidden = (not set)']);
    expect(rows[0]!.metrics.acc).toBeCloseTo(0.85, 12);
    expect(rows[0]!.group!.std.acc).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(rows[0]!.children!.map((r) => r.id)).toEqual(['a', 'b']);
    expect(rows[1]!.group!.std.acc).toBe(0);
    expect(rows[1]!.metrics.loss).toBe(0.1);
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
  });
});

describe('metric charts', () => {
  it('smooths like TensorBoard: debiased, so a constant series stays constant and the first point is kept', () => {
    expect(smooth([2, 2, 2, 2], 0.9)).toEqual([2, 2, 2, 2].map(() => expect.closeTo(2, 12)));
    const s = smooth([0, 10], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 0 + 0.5 * 10) / 0.75, 12);
    expect(smooth([1, 5, 3], 0)).toEqual([1, 5, 3]);
  });

  it('pairs validation with its training twin, caps bounded scores at 1 and offers every x-axis', () => {
    const pts = (vs: number[]) => vs.map((value, i) => ({ step: (i + 1) * 10, epoch: i + 1, time: 1000 + i * 500, value }));
    const lines: ChartLine[] = [
      { id: 'accuracy', name: 'accuracy', metric: 'accuracy', points: pts([0.5, 0.7, 0.9]), startTime: 1000 },
      { id: 'val_accuracy', name: 'val_accuracy', metric: 'val_accuracy', points: pts([0.4, 0.6, 0.8]), startTime: 1000 },
    ];
    const o = lineChartOption(lines, { smoothing: 0, logScale: false, xAxis: 'epoch' }) as { series: { id: string; lineStyle: { color: string; type: string }; data: number[][] }[]; yAxis: { max: (v: { max: number }) => number } };
    const [train, val] = o.series;
    expect(train!.lineStyle.color).toBe(val!.lineStyle.color);
    expect([train!.lineStyle.type, val!.lineStyle.type]).toEqual(['solid', 'dashed']);
    expect(o.yAxis.max({ max: 0.9 })).toBe(1);
    expect(train!.data.map((d) => d[0])).toEqual([1, 2, 3]);
    const rel = lineChartOption(lines, { smoothing: 0, logScale: false, xAxis: 'relative' }) as { series: { data: number[][] }[] };
    expect(rel.series[0]!.data.map((d) => d[0])).toEqual([0, 0.5, 1]);
    const step = lineChartOption(lines, { smoothing: 0.5, logScale: true, xAxis: 'step' }) as { series: { id: string; data: number[][] }[]; yAxis: { type: string } };
    expect(step.yAxis.type).toBe('log');
    // Smoothing keeps the raw curve, faint, behind the smoothed one.
    expect(step.series.map((s) => s.id)).toEqual(['accuracy~raw', 'accuracy', 'val_accuracy~raw', 'val_accuracy']);
    expect(step.series[1]!.data.map((d) => d[0])).toEqual([10, 20, 30]);
  });
});
