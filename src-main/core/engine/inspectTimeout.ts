/**
 * How long a model check (the editor's summary) may take before its host is killed. Building a
 * model takes well under a second, but a cold host on a busy machine can take several: the limit
 * is generous by default and tunable with $LAMINA_INSPECT_TIMEOUT_MS (slow machines, tests).
 */
export const INSPECT_TIMEOUT_MS = 20_000;

export const INSPECT_TIMEOUT_ENV = 'LAMINA_INSPECT_TIMEOUT_MS';

/** The limit in ms: $LAMINA_INSPECT_TIMEOUT_MS when it is a positive number, else the default. */
export function inspectTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[INSPECT_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return INSPECT_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new Error(`$${INSPECT_TIMEOUT_ENV} must be a positive number of milliseconds, got "${raw}"`);
  }
  return ms;
}
