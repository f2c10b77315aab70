/**
 * Line charts of metric series, the way TensorBoard and W&B draw them: an x-axis of the user's
 * choice (step, epoch, wall time, relative time), debiased EMA smoothing with the raw curve kept
 * faint behind it, an optional log scale, one colour per metric family with validation drawn
 * dashed in its training twin's colour (and, when several runs share a chart, one colour per
 * run), and a y-axis that stops at 1 for bounded scores. Pure: turns points into an ECharts option;
 * EChart.vue applies it incrementally so hovering, zoom and legend choices survive live updates.
 */

export type XAxisKind = 'step' | 'epoch' | 'wall' | 'relative';

export interface ChartSettings {
  /** TensorBoard's smoothing weight: 0 = raw, 0.99 = very smooth. */
  smoothing: number;
  logScale: boolean;
  xAxis: XAxisKind;
}

export const DEFAULT_CHART_SETTINGS: ChartSettings = { smoothing: 0.6, logScale: false, xAxis: 'epoch' };

/** One point as the core records it (time in ms since the epoch). */
export interface ChartPoint {
  step: number;
  epoch: number | null;
  time: number;
  value: number;
}

export interface ChartLine {
  /** Stable id across updates (ECharts merges series by it). */
  id: string;
  /** Legend label. */
  name: string;
  metric: string;
  points: ChartPoint[];
  /** Run index when several runs share a chart: picks the colour. */
  run?: number;
  /** The line's colour when it stands for a run (charts/runColours.ts), over `run` and the metric family. */
  colour?: string;
  /** Steps per epoch, to place per-batch points on an epoch axis. */
  batchesPerEpoch?: number | null;
  /** Start of the run (ms), for relative time. */
  startTime?: number;
}

export const PALETTE = ['#2080f0', '#18a058', '#f0a020', '#d03050', '#8a2be2', '#00a3a3', '#e0609a', '#7a8b99', '#b8860b', '#4169e1'];

const BOUNDED = /(^|[/_])(accuracy|acc|f1|f1_macro|auc|precision|recall|sensitivity|specificity|hit_rate|ndcg|map|mrr|coverage|r2)(_|$)/i;

/** `val_loss` and `loss` share a family (and a colour); `batch/loss` too. */
export function metricFamily(key: string): string {
  return key.replace(/^batch\//, '').replace(/^(val|validation|test)_/, '');
}
export const isValidationKey = (key: string) => /^(val|validation)_/.test(key);
export const isBatchMetric = (key: string) => key.startsWith('batch/');

/** A colour per family, stable for the page's life so a metric keeps its colour in every chart. */
const familyColours = new Map<string, string>();
export function familyColour(family: string): string {
  let c = familyColours.get(family);
  if (!c) {
    c = PALETTE[familyColours.size % PALETTE.length]!;
    familyColours.set(family, c);
  }
  return c;
}

/** TensorBoard's debiased exponential moving average (the first points are not pulled to 0). */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}

function xOf(p: ChartPoint, line: ChartLine, kind: XAxisKind): number {
  switch (kind) {
    case 'step':
      return p.step;
    case 'epoch':
      if (isBatchMetric(line.metric)) return line.batchesPerEpoch ? p.step / line.batchesPerEpoch : p.step;
      return p.epoch ?? p.step;
    case 'wall':
      return p.time;
    case 'relative':
      return (p.time - (line.startTime ?? line.points[0]?.time ?? p.time)) / 1000;
  }
}

const X_NAMES: Record<XAxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', relative: 'seconds since start' };

export function lineChartOption(lines: ChartLine[], settings: ChartSettings, opts: { yName?: string; dark?: boolean; legend?: boolean; compact?: boolean } = {}) {
  const kind = settings.xAxis;
  const bounded = lines.length > 0 && lines.every((l) => BOUNDED.test(l.metric));
  const series: object[] = [];
  for (const line of lines) {
    const colour = line.colour ?? (line.run !== undefined ? PALETTE[line.run % PALETTE.length]! : familyColour(metricFamily(line.metric)));
    const dashed = isValidationKey(line.metric);
    const batch = isBatchMetric(line.metric);
    const pts = settings.logScale ? line.points.filter((p) => p.value > 0) : line.points;
    const xs = pts.map((p) => xOf(p, line, kind));
    const raw = pts.map((p) => p.value);
    const weight = pts.length > 2 ? settings.smoothing : 0;
    const shown = smooth(raw, weight);
    const common = { type: 'line', showSymbol: !batch && pts.length < 40, symbolSize: 4, sampling: 'lttb', animation: false };
    if (weight > 0) {
      series.push({
        ...common,
        id: `${line.id}~raw`,
        name: line.name,
        showSymbol: false,
        silent: true,
        z: 1,
        itemStyle: { color: colour },
        lineStyle: { width: 1, opacity: 0.25, color: colour, type: dashed ? 'dashed' : 'solid' },
        tooltip: { show: false },
        data: xs.map((x, i) => [x, raw[i]]),
      });
    }
    series.push({
      ...common,
      id: line.id,
      name: line.name,
      z: 2,
      itemStyle: { color: colour },
      lineStyle: { width: batch ? 1 : 2, color: colour, type: dashed ? 'dashed' : 'solid', opacity: batch ? 0.55 : 1 },
      data: xs.map((x, i) => [x, shown[i]]),
    });
  }
  const time = kind === 'wall';
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      className: 'lamina-chart-tooltip',
      confine: true,
      valueFormatter: (v: number) => (typeof v === 'number' ? formatValue(v) : String(v)),
    },
    legend: { show: opts.legend !== false, top: 0, type: 'scroll' },
    grid: opts.compact ? { left: 48, right: 12, top: 12, bottom: 34 } : { left: 56, right: 20, top: 34, bottom: 48 },
    dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
    xAxis: {
      type: time ? 'time' : 'value',
      name: X_NAMES[kind],
      nameLocation: 'middle',
      nameGap: 26,
      min: kind === 'epoch' || kind === 'step' ? 0 : undefined,
      scale: time,
    },
    yAxis: {
      type: settings.logScale ? 'log' : 'value',
      name: opts.yName,
      scale: !settings.logScale,
      ...(bounded && !settings.logScale ? { max: (v: { max: number }) => (v.max <= 1 ? 1 : v.max) } : {}),
    },
    series,
  };
}

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toFixed(4);
}
