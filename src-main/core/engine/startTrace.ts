/**
 * Start-up tracing for the bench (test/bench/startupBench.ts): with LAMINA_TRACE_START=1 the
 * process writes `lamina-start <phase> <ms since the process started>` to stderr, once per phase.
 * Off (and free) otherwise.
 */
const seen = new Set<string>();

export function traceStart(phase: string): void {
  if (process.env.LAMINA_TRACE_START !== '1' || seen.has(phase)) return;
  seen.add(phase);
  process.stderr.write(`lamina-start ${phase} ${performance.now().toFixed(0)}\n`);
}
