/**
 * A workspace is a folder: lamina.db, datasets/, models/, artifacts/<run-id>/.
 */
import { mkdirSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface WorkspacePaths {
  root: string;
  db: string;
  datasets: string;
  models: string;
  artifacts: string;
  /** Scratch space for imports in progress; renamed into place when complete. */
  tmp: string;
  plugins: string;
}

export function workspacePaths(root: string): WorkspacePaths {
  const r = resolve(root);
  return {
    root: r,
    db: join(r, 'lamina.db'),
    datasets: join(r, 'datasets'),
    models: join(r, 'models'),
    artifacts: join(r, 'artifacts'),
    tmp: join(r, '.tmp'),
    plugins: join(r, 'plugins'),
  };
}

export function ensureWorkspaceFolders(paths: WorkspacePaths): void {
  for (const dir of [paths.root, paths.datasets, paths.models, paths.artifacts, paths.tmp]) {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  }
}

export function runArtifactsDir(paths: WorkspacePaths, runId: string): string {
  return join(paths.artifacts, runId);
}

/** $LAMINA_WORKSPACE, else the platform's app-data folder. */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.LAMINA_WORKSPACE) return resolve(env.LAMINA_WORKSPACE);
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Lamina', 'workspace');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Lamina', 'workspace');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'lamina', 'workspace');
}
