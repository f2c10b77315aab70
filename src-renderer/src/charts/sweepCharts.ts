/**
 * The Sweeps page's parallel-coordinates chart: one axis per swept parameter (constants left out;
 * text values on category axes, numbers on value axes — log axes for the log distributions), then the
 * metric; each ended trial is a line coloured by its metric (visualMap). Pure: option building only.
 */
import type { EChartsOption } from './echarts';
import type { SweepView } from '../stores/sweeps';

const LOG = /log_uniform|log_normal/;

export function parallelOption(s: SweepView, dark: boolean): EChartsOption {
  const spec = s.spec as { parameters?: Record<string, { distribution?: string }> };
  const trials = s.trials.filter((t) => t.metric !== null);
  const names = Object.keys(spec.parameters ?? {}).filter((n) => spec.parameters![n]!.distribution !== 'constant');
  const parallelAxis = names.map((name, dim) => {
    const values = trials.map((t) => t.params[name]);
    const numeric = values.every((v) => typeof v === 'number');
    const dist = spec.parameters![name]!.distribution ?? '';
    if (!numeric) return { dim, name, type: 'category' as const, data: [...new Set(values.map(String))] };
    return { dim, name, type: (LOG.test(dist) && !dist.startsWith('inv') ? 'log' : 'value') as 'log' | 'value', scale: true };
  });
  parallelAxis.push({ dim: names.length, name: s.metric.name, type: 'value', scale: true });
  const metrics = trials.map((t) => t.metric!);
  const min = metrics.length ? Math.min(...metrics) : 0;
  const max = metrics.length ? Math.max(...metrics) : 1;
  const text = dark ? '#ddd' : '#333';
  const good = ['#d03050', '#f0a020', '#18a058'];
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    parallel: { left: 60, right: 90, top: 40, bottom: 30, parallelAxisDefault: { nameTextStyle: { color: text }, axisLabel: { color: text } } },
    parallelAxis,
    visualMap: {
      type: 'continuous',
      dimension: names.length,
      min,
      max: max === min ? min + 1e-9 : max,
      right: 0,
      top: 'middle',
      itemHeight: 120,
      text: [s.metric.goal === 'maximize' ? 'best' : 'worst', s.metric.goal === 'maximize' ? 'worst' : 'best'],
      textStyle: { color: text },
      calculable: false,
      inRange: { color: s.metric.goal === 'maximize' ? good : [...good].reverse() },
    },
    series: [
      {
        type: 'parallel',
        lineStyle: { width: 2, opacity: 0.8 },
        data: trials.map((t) => [...names.map((n) => (typeof t.params[n] === "number" ? t.params[n] : String(t.params[n]))), t.metric]),
      },
    ],
  } as EChartsOption;
}
