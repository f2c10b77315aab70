/** How metric charts are drawn (smoothing, log scale, x-axis), shared by every chart and kept across reloads. */
import { defineStore } from 'pinia';
import { reactive, watch } from 'vue';
import { DEFAULT_CHART_SETTINGS, type ChartSettings } from '../charts/metricChart';

const KEY = 'lamina.chartSettings';

function load(): ChartSettings {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ChartSettings>;
    return {
      smoothing: typeof s.smoothing === 'number' && s.smoothing >= 0 && s.smoothing < 1 ? s.smoothing : DEFAULT_CHART_SETTINGS.smoothing,
      logScale: s.logScale === true,
      xAxis: s.xAxis === 'step' || s.xAxis === 'wall' || s.xAxis === 'relative' || s.xAxis === 'epoch' ? s.xAxis : DEFAULT_CHART_SETTINGS.xAxis,
    };
  } catch {
    return { ...DEFAULT_CHART_SETTINGS };
  }
}

export const useChartSettingsStore = defineStore('chartSettings', () => {
  const settings = reactive<ChartSettings>(load());
  watch(settings, (s) => localStorage.setItem(KEY, JSON.stringify(s)), { deep: true });
  return { settings };
});
