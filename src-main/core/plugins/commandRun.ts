/**
 * The run a plugin command is about (plugin API 1.2): the core resolves it (id or unique prefix) and
 * sends the host a plain record — the run's metadata, final metrics and recorded artifacts — and the
 * host gives the command `ctx.run`, whose reads stay inside the recorded artifacts (hostCommandRun).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CommandRunRecord } from '../engine/protocol';
import type { CommandRun } from '../../../plugins/sdk/src/index';
import { CommandInputError } from '../../../plugins/sdk/src/errors';

/** The run for a command: the API's runId, else the `--arg` its manifest names; null when neither is given. */
export function commandRunId(runId: string | undefined, runArg: string | undefined, args: Record<string, unknown>): string | null {
  if (runId) return runId;
  if (!runArg) return null;
  const v = args[runArg];
  return v === undefined || v === null || v === '' ? null : String(v);
}

/** ctx.run inside the host: reading is allowed for recorded artifacts (and files inside recorded folders) only. */
export function hostCommandRun(r: CommandRunRecord): CommandRun {
  const readArtifact = (path: string): Uint8Array => {
    const rel = String(path).replace(/\\/g, '/').replace(/^\.\//, '');
    const recorded = r.artifacts.some((a) => a.path === rel || rel.startsWith(`${a.path.replace(/\/$/, '')}/`));
    const file = resolve(r.artifactsDir, rel);
    const inside = relative(r.artifactsDir, file);
    if (!recorded || isAbsolute(rel) || inside.startsWith('..') || inside.split(sep).includes('..')) {
      throw new CommandInputError(`run ${r.id} has no recorded artifact "${path}"`);
    }
    if (!existsSync(file) || statSync(file).isDirectory()) throw new CommandInputError(`run ${r.id}: artifact "${path}" is missing from ${join(r.artifactsDir)}`);
    return new Uint8Array(readFileSync(file));
  };
  return {
    id: r.id, name: r.name, status: r.status, trainer: r.trainer, datasetId: r.datasetId, params: r.params, metrics: r.metrics,
    artifacts: r.artifacts,
    readArtifact,
    readArtifactText: (path) => Buffer.from(readArtifact(path)).toString('utf8'),
  };
}
