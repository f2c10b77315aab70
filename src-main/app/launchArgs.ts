/**
 * Which workspace the app opens at launch. Pure.
 * Order: `--workspace DIR` on the command line, then $LAMINA_WORKSPACE, then the workspace
 * open when the app last quit, then the platform default (the same one the CLI uses).
 */
import { resolve } from 'node:path';
import { defaultWorkspaceDir } from '../core/workspace/workspace';

export function workspaceArg(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--workspace=')) return a.slice('--workspace='.length) || null;
    if (a === '--workspace' && i + 1 < argv.length) return argv[i + 1]!;
  }
  return null;
}

export function initialWorkspace(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  recent: readonly string[],
  cwd = process.cwd(),
): string {
  const fromArgs = workspaceArg(argv);
  if (fromArgs) return resolve(cwd, fromArgs);
  if (env.LAMINA_WORKSPACE) return defaultWorkspaceDir(env);
  return recent[0] ?? defaultWorkspaceDir(env);
}
