/**
 * The training backend in plain words. The core records the exact reason the better backends were
 * passed over ("tensorflow: @tensorflow/tfjs-node is not installed … [GPU: no NVIDIA driver
 * visible]"); people first want to know what trains their model and whether it could go faster.
 * The raw reason stays one hover away.
 */
const NAMES: Record<string, string> = {
  tensorflow: 'native TensorFlow',
  wasm: 'WebAssembly on the CPU',
  cpu: 'plain JavaScript on the CPU',
};

export function backendLabel(name: string | null | undefined): string {
  return name ? (NAMES[name] ?? name) : '—';
}

export function backendSummary(name: string, reason: string | null | undefined): string {
  const what = `Training with ${backendLabel(name)}`;
  const r = reason ?? '';
  if (/request/i.test(r)) return `${what}, as asked.`;
  if (name === 'tensorflow') return /gpu|cuda/i.test(r) && !/no .*gpu|no nvidia|not/i.test(r) ? `${what} on the GPU.` : `${what}.`;
  if (/tensorflow/i.test(r)) return `${what}: native TensorFlow (faster) is not available here.`;
  return `${what}.`;
}
