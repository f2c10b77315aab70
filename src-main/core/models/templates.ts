/**
 * Built-in model templates: real, editable source files in resources/templates/. Listing them
 * evaluates each module's top level only (to read `meta`); no TensorFlow.js is loaded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { resourcesDir } from '../resources';
import type { TemplateInfo } from '../service';
import { loadModelModule } from './modelSource';

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
