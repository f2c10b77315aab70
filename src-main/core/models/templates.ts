/**
 * Built-in model templates: real, editable source files in resources/templates/. Listing them
 * evaluates each module's top level only (to read `meta`); no TensorFlow.js is loaded.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { TemplateInfo } from '../service';
import { loadModelModule } from './modelSource';

/**
 * resources/ of the app: $LAMINA_RESOURCES, else the first ancestor of this file's folder that
 * holds resources/templates (works from src-main/core/models and from the bundle in out/main).
 */
export function resourcesDir(env: NodeJS.ProcessEnv = process.env, start: string = __dirname): string {
  if (env.LAMINA_RESOURCES) return resolve(env.LAMINA_RESOURCES);
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'resources', 'templates'))) return join(dir, 'resources');
    if (dirname(dir) === dir) break;
  }
  throw new Error(`cannot find the resources/templates folder above ${start} (set LAMINA_RESOURCES)`);
}

export function templatesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resourcesDir(env), 'templates');
}

/** Every built-in template, sorted by id. A template that fails to load is a bug: it throws. */
export function listBuiltinTemplates(dir: string = templatesDir()): TemplateInfo[] {
  return readdirSync(dir)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((file) => {
      const source = readFileSync(join(dir, file), 'utf8');
      const id = basename(file, extname(file));
      const { meta } = loadModelModule(source, { filename: file });
      return {
        id,
        name: meta.name ?? id,
        description: meta.description ?? '',
        origin: 'builtin',
        source,
        ...(meta.defaults ? { defaults: { ...meta.defaults } } : {}),
      };
    });
}

export function getBuiltinTemplate(id: string, dir: string = templatesDir()): TemplateInfo | undefined {
  return listBuiltinTemplates(dir).find((t) => t.id === id);
}
