/** Where the app's read-only resources are: model templates and sample datasets. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * resources/ of the app: $LAMINA_RESOURCES, else the first ancestor of this file's folder that
 * holds resources/templates (works from src-main/core and from the bundles in out/main).
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env, start: string = __dirname): string {
  if (env.LAMINA_RESOURCES) return resolve(env.LAMINA_RESOURCES);
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'resources', 'templates'))) return join(dir, 'resources');
    if (dirname(dir) === dir) break;
  }
  throw new Error(`cannot find the resources/templates folder above ${start} (set LAMINA_RESOURCES)`);
}
