/**
 * System metrics of the training host, logged with each epoch as `system/*` series (W&B's system
 * panel): training samples per second, the host's resident memory and its CPU use. They measure
 * the machine, not the model, so replays leave them out of the comparison (training/replay.ts).
 */
export const SYSTEM_PREFIX = 'system/';

export interface SystemSample {
  samplesPerSec: number;
  rssMiB: number;
  /** Host CPU time over wall time since the last sample, in % of one core (can exceed 100 with threads). */
  cpuPercent: number;
}

/** Pure: the numbers from two readings of the clock and CPU counters. */
export function systemSample(samples: number, wallMs: number, cpuMicros: number, rssBytes: number): SystemSample {
  const seconds = wallMs / 1000;
  return {
    samplesPerSec: seconds > 0 ? samples / seconds : 0,
    rssMiB: rssBytes / (1024 * 1024),
    cpuPercent: wallMs > 0 ? (cpuMicros / 1000 / wallMs) * 100 : 0,
  };
}

/** Measures from `start()` to each `sample(n)` (n = samples trained since the last one), then restarts. */
export class SystemSampler {
  private t0 = 0;
  private cpu0: NodeJS.CpuUsage = process.cpuUsage();

  start(): void {
    this.t0 = performance.now();
    this.cpu0 = process.cpuUsage();
  }

  sample(samples: number): SystemSample {
    const wall = performance.now() - this.t0;
    const cpu = process.cpuUsage(this.cpu0);
    const out = systemSample(samples, wall, cpu.user + cpu.system, process.memoryUsage().rss);
    this.start();
    return out;
  }
}

export const isSystemMetric = (key: string) => key.startsWith(SYSTEM_PREFIX);
