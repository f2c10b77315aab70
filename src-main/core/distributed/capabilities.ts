/**
 * What a worker can run — backends, plugins (id and version), plugin API, job format — and the
 * one-line reason it gives when it cannot run a job. Pure apart from the discovery helper, so the
 * refusal rules are tested without Redis.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BackendName } from '../domain';
import { builtinPluginsDir, pluginFolders, userPluginsDir } from '../plugins/locations';
import { HOST_PLUGIN_API_VERSION, readPluginManifest } from '../plugins/manifest';
import type { PluginCodeRef } from '../engine/protocol';
import { LaminaError } from '../util/errors';
import { JOB_FORMAT, type RunJobData } from './jobs';

export const BACKENDS: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface WorkerCapabilities {
  /** Shown in the coordinator's run tags and in refusals: host:pid unless named. */
  id: string;
  /** Backends this worker offers: those installed, or only the one `--backend` names. */
  backends: BackendName[];
  /** `--backend NAME`: runs that ask for no backend train on this one. */
  forcedBackend: BackendName | null;
  plugins: Map<string, PluginCodeRef>;
  pluginApi: string;
  format: number;
}

const req = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js'));

function installed(pkg: string): boolean {
  try {
    req.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** The backends whose packages are installed (a present tfjs-node may still fail to load: the run then says so). */
export function installedBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) out.push('tensorflow');
  if (installed('@tensorflow/tfjs-backend-wasm')) out.push('wasm');
  out.push('cpu');
  return out;
}

/** Built-in and user plugins (a workspace's own plugins stay on the coordinator's machine). */
export function discoverWorkerPlugins(env: NodeJS.ProcessEnv = process.env): Map<string, PluginCodeRef> {
  const plugins = new Map<string, PluginCodeRef>();
  const builtin = builtinPluginsDir(env);
  const roots = [...(builtin ? [{ dir: builtin, origin: 'builtin' as const }] : []), { dir: userPluginsDir(env), origin: 'user' as const }];
  for (const root of roots) {
    for (const dir of pluginFolders(root)) {
      try {
        const m = readPluginManifest(dir);
        if (m.main) plugins.set(m.id, { id: m.id, version: m.version, dir, main: m.main });
      } catch {
        // A plugin this worker cannot load is one it does not have: jobs that need it are refused.
      }
    }
  }
  return plugins;
}

export function workerCapabilities(opts: { backend?: string; name?: string; plugins?: Map<string, PluginCodeRef>; backends?: BackendName[] } = {}): WorkerCapabilities {
  const present = opts.backends ?? installedBackends();
  let forced: BackendName | null = null;
  if (opts.backend !== undefined) {
    if (!BACKENDS.includes(opts.backend as BackendName)) throw new LaminaError('usage', `--backend must be one of ${BACKENDS.join(', ')}, got "${opts.backend}"`);
    forced = opts.backend as BackendName;
    if (!present.includes(forced)) throw new LaminaError('input', `--backend ${forced}: not installed on this machine (installed: ${present.join(', ')})`);
  }
  return {
    id: opts.name ?? `${hostname()}:${process.pid}`,
    backends: forced ? [forced] : present,
    forcedBackend: forced,
    plugins: opts.plugins ?? discoverWorkerPlugins(),
    pluginApi: HOST_PLUGIN_API_VERSION,
    format: JOB_FORMAT,
  };
}

/** Why this worker cannot run the job, or null when it can. */
export function refusalReason(caps: WorkerCapabilities, job: Pick<RunJobData, 'format' | 'needs'>): string | null {
  if (job.format !== caps.format) return `job format ${job.format}, this worker reads format ${caps.format} (run the same Lamina version on both sides)`;
  const major = (v: string) => v.split('.')[0];
  if (major(job.needs.pluginApi) !== major(caps.pluginApi)) return `plugin API ${job.needs.pluginApi} on the coordinator, ${caps.pluginApi} here`;
  const b = job.needs.backend;
  if (b && !caps.backends.includes(b)) return `needs backend ${b}; this worker offers ${caps.backends.join(', ')}`;
  for (const p of job.needs.plugins) {
    const mine = caps.plugins.get(p.id);
    if (!mine) return `needs plugin ${p.id} ${p.version}, which this worker does not have`;
    if (mine.version !== p.version) return `needs plugin ${p.id} ${p.version}; this worker has ${mine.version}`;
  }
  return null;
}
