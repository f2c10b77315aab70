/**
 * The core's side of explanations: check that a run can be explained (a saved TF.js model, the
 * very dataset it trained on), start one host process for the job (attributions never run in the
 * core or the Electron main process), relay progress and cancel, record the files as the run's
 * artifacts (kind "explanation"), and read saved explanations back after a restart.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { DatasetMeta, RunRecord } from '../domain';
import type { HostLauncher } from '../engine/hostLauncher';
import { forkHostLauncher } from '../engine/hostLauncher';
import { trainingHostEntry } from '../engine/hostEntry';
import type { ExplainJobMessage, ExplainedMessage } from './messages';
import { EXPLAIN_METHODS, IMAGE_METHODS, TABULAR_METHODS, type ExplainMethod, type ExplainRequest, type ExplainResult } from './types';
import type { RunStore } from '../store/runStore';
import { runArtifactsDir, type WorkspacePaths } from '../workspace/workspace';
import { verifyDatasetFile } from '../datasets/loadDataset';
import { listImageFolder } from '../datasets/imageFolder';
import { sampleSources } from '../datasets/sampleSidecar';
import { LaminaError } from '../util/errors';
import { sha256 } from '../util/hash';

/** How long a cancelled explanation's host may take to stop before it is killed. */
const CANCEL_GRACE_MS = 10_000;

export interface ExplainProgress {
  done: number;
  total: number;
}

export interface ExplainCallOptions {
  onProgress?: (p: ExplainProgress) => void;
  signal?: AbortSignal;
}

export class ExplainService {
  constructor(
    private readonly deps: { store: RunStore; paths: WorkspacePaths; launcher?: HostLauncher },
  ) {}

  /** The default method for a dataset: Grad-CAM for images, permutation importance for tables. */
  static defaultMethod(meta: DatasetMeta): ExplainMethod {
    return meta.kind === 'image' ? 'gradcam' : 'permutation';
  }

  private explainable(runRef: string): { run: RunRecord; meta: DatasetMeta; modelDir: string; datasetFile: string } {
    const run = this.deps.store.requireRun(runRef);
    if (run.status !== 'completed') throw new LaminaError('input', `run ${run.id} is ${run.status}; only completed runs can be explained`);
    const modelDir = join(runArtifactsDir(this.deps.paths, run.id), 'model');
    if (!existsSync(join(modelDir, 'model.json'))) {
      throw new LaminaError('input', `run ${run.id} has no saved TF.js model (${join(modelDir, 'model.json')} is missing); it cannot be explained`, { file: join(modelDir, 'model.json') });
    }
    const meta = this.deps.store.getDataset(run.datasetId);
    if (!meta) throw new LaminaError('input', `run ${run.id} trained on dataset ${run.datasetId}, which is no longer in the workspace; re-import it to explain the run`);
    if (meta.hash !== run.datasetHash) {
      throw new LaminaError('input', `dataset "${meta.name}" changed since run ${run.id} trained on it (hash ${meta.hash.slice(0, 12)}, the run recorded ${run.datasetHash.slice(0, 12)})`);
    }
    return { run, meta, modelDir, datasetFile: join(this.deps.paths.root, meta.file) };
  }

  private checkMethod(method: string, meta: DatasetMeta): ExplainMethod {
    if (!(EXPLAIN_METHODS as readonly string[]).includes(method)) {
      throw new LaminaError('usage', `unknown method "${method}" (use ${EXPLAIN_METHODS.join(', ')})`, { field: 'method' });
    }
    const fits: readonly string[] = meta.kind === 'image' ? IMAGE_METHODS : TABULAR_METHODS;
    if (!fits.includes(method)) {
      throw new LaminaError('usage', `method "${method}" does not apply to ${meta.kind === 'image' ? 'images' : 'tables'}; use ${fits.join(', ')}`, { field: 'method' });
    }
    return method as ExplainMethod;
  }

  async explain(runRef: string, req: ExplainRequest = {}, opts: ExplainCallOptions = {}): Promise<ExplainResult> {
    const { run, meta, modelDir, datasetFile } = this.explainable(runRef);
    const method = this.checkMethod(req.method ?? ExplainService.defaultMethod(meta), meta);
    const selection = req.selection ?? {};
    const options = req.options ?? {};
    if (!(await verifyDatasetFile(datasetFile, run.datasetHash))) {
      throw new LaminaError('input', `the file of dataset "${meta.name}" (${datasetFile}) is missing or changed since run ${run.id} trained on it`, { file: datasetFile });
    }
    const key = createHash('sha256').update(JSON.stringify({ method, selection, options })).digest('hex').slice(0, 10);
    const dir = `explain/${method}-${key}`;
    const artifactsDir = runArtifactsDir(this.deps.paths, run.id);
    const outDir = join(artifactsDir, dir);
    rmSync(outDir, { recursive: true, force: true });
    const msg: ExplainJobMessage = {
      type: 'explain', runId: run.id, modelDir, dataset: meta, datasetFile, seed: run.seed, backend: run.backend,
      method, selection, options, outDir, dir, sources: meta.kind === 'image' ? await imageSources(meta, this.deps.paths.root) : null,
    };
    const answer = await this.job(msg, opts);
    if (answer.status === 'cancelled' || !answer.result) throw new LaminaError('failed', `explaining run ${run.id} was cancelled`);
    for (const file of listFiles(outDir)) {
      const bytes = readFileSync(file);
      this.deps.store.addArtifact({
        runId: run.id, path: relative(artifactsDir, file).split(sep).join('/'), kind: 'explanation',
        bytes: bytes.length, sha256: sha256(bytes), createdAt: new Date().toISOString(),
      });
    }
    return answer.result;
  }

  private job(msg: ExplainJobMessage, opts: ExplainCallOptions): Promise<ExplainedMessage> {
    const host = (this.deps.launcher ?? forkHostLauncher).launch(trainingHostEntry(), { name: 'lamina-explain-host' });
    let answer: ExplainedMessage | null = null;
    let error: { reason: string; message: string } | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    const cancel = () => {
      host.send({ type: 'cancel' });
      killTimer = setTimeout(() => host.kill('SIGKILL'), CANCEL_GRACE_MS);
      killTimer.unref();
    };
    if (opts.signal?.aborted) cancel();
    opts.signal?.addEventListener('abort', cancel, { once: true });
    return new Promise((resolvePromise, reject) => {
      host.onMessage((m) => {
        if (m.type === 'explained') answer = m;
        else if (m.type === 'explain.progress') opts.onProgress?.({ done: m.done, total: m.total });
        else if (m.type === 'error') error = { reason: m.reason, message: m.message };
      });
      host.onExit((code, signal) => {
        if (killTimer) clearTimeout(killTimer);
        opts.signal?.removeEventListener('abort', cancel);
        if (answer) return resolvePromise(answer);
        if (opts.signal?.aborted) return resolvePromise({ type: 'explained', status: 'cancelled', result: null });
        if (error) return reject(new LaminaError(error.reason === 'data' ? 'input' : 'failed', error.message));
        const tail = host.stderrTail().trim().split('\n').slice(-3).join(' ');
        reject(new LaminaError('failed', `explain host ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`));
      });
      host.send(msg);
    });
  }

  /** Saved explanations of a run, newest first (they live in artifacts/<run>/explain/<id>/result.json). */
  list(runRef: string): ExplainResult[] {
    const run = this.deps.store.requireRun(runRef);
    const base = join(runArtifactsDir(this.deps.paths, run.id), 'explain');
    if (!existsSync(base)) return [];
    const out: ExplainResult[] = [];
    for (const d of readdirSync(base)) {
      const file = join(base, d, 'result.json');
      if (!existsSync(file)) continue;
      try {
        out.push(JSON.parse(readFileSync(file, 'utf8')) as ExplainResult);
      } catch {
        // A half-written result (the host was killed while writing) is not an explanation.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** A file of a saved explanation (overlay PNG, raw JSON), by its path relative to the run's artifacts. */
  readFile(runRef: string, path: string): Buffer {
    const run = this.deps.store.requireRun(runRef);
    const base = resolve(runArtifactsDir(this.deps.paths, run.id), 'explain');
    const full = resolve(runArtifactsDir(this.deps.paths, run.id), path);
    if (!full.startsWith(base + sep) || !existsSync(full) || !statSync(full).isFile()) {
      throw new LaminaError('not-found', `run ${run.id} has no explanation file "${path}"`);
    }
    return readFileSync(full);
  }
}

/** Each row's image file relative to the imported folder, when the folder is still there unchanged. */
async function imageSources(meta: DatasetMeta, root: string): Promise<string[] | null> {
  // A plugin importer's `file` fact per sample (plugin API 1.2), e.g. DICOM files.
  const recorded = sampleSources(join(root, meta.file), meta.rows);
  if (recorded) return recorded;
  try {
    if (!statSync(meta.source).isDirectory()) return null;
    const { files } = await listImageFolder(meta.source);
    if (files.length !== meta.rows) return null;
    return files.map((f) => relative(meta.source, f.path).split(sep).join('/'));
  } catch {
    return null;
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}
