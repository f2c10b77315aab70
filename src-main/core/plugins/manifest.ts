/**
 * A plugin's manifest: the `lamina` field of its package.json, validated with zod. Every error
 * names the field path (`lamina.contributes.modelTemplates[0].file`) and the package.json file.
 * Validation reads files but never executes plugin code.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { z } from 'zod';
import { LaminaError, inputError } from '../util/errors';
import { PLUGIN_INSTALL_LIMITS, mib } from './installLimits';
import { isValidRange, satisfies } from './semverRange';

/** The plugin API version this host implements (plugins/sdk's PLUGIN_API_VERSION). */
export const HOST_PLUGIN_API_VERSION = '1.2.0';

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const id = z.string().regex(ID, 'must be lowercase letters, digits, ".", "_" or "-" (at most 64)');
const text = z.string().min(1, 'must not be empty');
const relPath = z
  .string()
  .min(1, 'must not be empty')
  .refine((p) => !isAbsolute(p) && !normalize(p).startsWith('..'), 'must be a path inside the plugin folder');
const tasks = z.array(z.enum(['classification', 'regression'])).min(1, 'must list at least one task');

// Plugin API 1.1.0: a trainer's declared parameters (plugins/sdk/src/params.ts).
const trainerParam = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be a parameter name such as "members"'),
    type: z.enum(['integer', 'number', 'boolean', 'string', 'choice', 'list']),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    choices: z.array(z.string()).min(1).optional(),
    description: z.string().optional(),
    tasks: tasks.optional(),
  })
  .strict()
  .refine((p) => p.type !== 'choice' || (p.choices?.length ?? 0) > 0, 'a "choice" parameter lists its choices');

const contributes = z
  .object({
    datasetImporters: z.array(z.object({ id, name: text, extensions: z.array(z.string().regex(/^\.[A-Za-z0-9._-]+$/, 'must look like ".ext"')).min(1) }).strict()).optional(),
    modelTemplates: z.array(z.object({
      id, name: text, description: z.string().optional(), file: relPath,
      // 1.1.0: training defaults (read from the manifest: the core never runs plugin code)
      defaults: z.object({ epochs: z.number().int().min(1).optional(), batchSize: z.number().int().min(1).optional() }).strict().optional(),
    }).strict()).optional(),
    trainers: z.array(z.object({ id, name: text, description: z.string().optional(), tasks: tasks.optional(), params: z.array(trainerParam).optional() }).strict()).optional(),
    metrics: z.array(z.object({ id: z.string().regex(/^[a-z0-9_]{1,48}$/, 'must be lowercase letters, digits or "_"'), name: text, tasks, higherIsBetter: z.boolean().optional() }).strict()).optional(),
    // 1.2: 'dataset' views (a tab of the Datasets page), optionally only for some importers' datasets
    views: z.array(z.object({ id, title: text, location: z.enum(['run-detail', 'dataset']), importers: z.array(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'must be "plugin/importer"')).optional() }).strict()).optional(),
    // 1.2 addition: runArg names the --arg that names a run (handed to the command as ctx.run)
    commands: z.array(z.object({ id, title: text, runArg: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'must be an argument name').optional() }).strict()).optional(),
  })
  .strict();

export const laminaFieldSchema = z
  .object({
    id: id.optional(),
    apiVersion: z.string().refine(isValidRange, 'must be a semver range such as "^1.0.0"'),
    main: relPath.optional(),
    renderer: relPath.optional(),
    displayName: z.string().optional(),
    description: z.string().optional(),
    contributes: contributes.optional(),
  })
  .strict();

const packageSchema = z.object({
  name: z.string().min(1, 'must not be empty'),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, 'must be a semver version such as 1.0.0'),
  lamina: laminaFieldSchema,
});

export type LaminaField = z.infer<typeof laminaFieldSchema>;
export type Contributions = NonNullable<LaminaField['contributes']>;

export interface PluginManifest {
  id: string;
  version: string;
  packageName: string;
  displayName: string;
  description: string;
  apiVersion: string;
  main: string | null;
  renderer: string | null;
  contributes: Required<{ [K in keyof Contributions]: NonNullable<Contributions[K]> }>;
}

/** `lamina.contributes.modelTemplates[0].file` from zod's path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(root)';
}

/** Reads and validates `<dir>/package.json`; checks entry files exist and the API version fits. */
export function readPluginManifest(dir: string, hostApiVersion = HOST_PLUGIN_API_VERSION): PluginManifest {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) throw inputError(`${dir}: not a plugin folder (no package.json)`, { file });
  if (statSync(file).size > PLUGIN_INSTALL_LIMITS.maxManifestBytes) throw inputError(`${file}: larger than ${mib(PLUGIN_INSTALL_LIMITS.maxManifestBytes)}; not a plugin manifest`, { file });
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw inputError(`${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  if (raw && typeof raw === 'object' && !('lamina' in raw)) {
    throw inputError(`${file}: field "lamina" is missing: a plugin's package.json declares { "lamina": { "apiVersion": "^1.0.0", … } }`, { file, field: 'lamina' });
  }
  const parsed = packageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = fieldPath(issue.path);
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length > 2 ? 's' : ''})` : '';
    throw inputError(`${file}: field "${field}": ${issue.message}${more}`, { file, field });
  }
  const pkg = parsed.data;
  const l = pkg.lamina;
  if (!satisfies(hostApiVersion, l.apiVersion)) {
    throw inputError(
      `${file}: plugin "${pkg.name}" needs plugin API ${l.apiVersion}, but this Lamina implements plugin API ${hostApiVersion}`,
      { file, field: 'lamina.apiVersion' },
    );
  }
  const c = l.contributes ?? {};
  const manifest: PluginManifest = {
    id: l.id ?? pkg.name.replace(/^@[^/]+\//, ''),
    version: pkg.version,
    packageName: pkg.name,
    displayName: l.displayName ?? pkg.name,
    description: l.description ?? '',
    apiVersion: l.apiVersion,
    main: l.main ?? null,
    renderer: l.renderer ?? null,
    contributes: {
      datasetImporters: c.datasetImporters ?? [],
      modelTemplates: c.modelTemplates ?? [],
      trainers: c.trainers ?? [],
      metrics: c.metrics ?? [],
      views: c.views ?? [],
      commands: c.commands ?? [],
    },
  };
  if (!ID.test(manifest.id)) {
    throw inputError(`${file}: field "name": cannot derive a plugin id from "${pkg.name}"; set lamina.id`, { file, field: 'lamina.id' });
  }
  checkFiles(dir, file, manifest);
  checkUniqueIds(file, manifest);
  return manifest;
}

function checkFiles(dir: string, file: string, m: PluginManifest): void {
  const must = (rel: string, field: string, what: string) => {
    const p = join(dir, rel);
    if (!existsSync(p) || !statSync(p).isFile()) {
      throw inputError(`${file}: field "${field}": ${what} "${rel}" does not exist in ${dir}${field === 'lamina.main' || field === 'lamina.renderer' ? ' (build the plugin first?)' : ''}`, { file, field });
    }
  };
  if (m.main) must(m.main, 'lamina.main', 'entry');
  if (m.renderer) must(m.renderer, 'lamina.renderer', 'entry');
  m.contributes.modelTemplates.forEach((t, i) => must(t.file, `lamina.contributes.modelTemplates[${i}].file`, 'template file'));
  const needsMain: (keyof PluginManifest['contributes'])[] = ['datasetImporters', 'trainers', 'metrics', 'commands'];
  for (const k of needsMain) {
    if (m.contributes[k].length && !m.main) {
      throw inputError(`${file}: field "lamina.main" is required: contributes.${k} runs plugin code`, { file, field: 'lamina.main' });
    }
  }
  if (m.contributes.views.length && !m.renderer) {
    throw inputError(`${file}: field "lamina.renderer" is required: contributes.views needs a UI entry`, { file, field: 'lamina.renderer' });
  }
}

function checkUniqueIds(file: string, m: PluginManifest): void {
  for (const [kind, list] of Object.entries(m.contributes) as [string, { id: string }[]][]) {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      if (seen.has(entry.id)) {
        throw inputError(`${file}: field "lamina.contributes.${kind}[${i}].id": "${entry.id}" is declared twice`, { file, field: `lamina.contributes.${kind}[${i}].id` });
      }
      seen.add(entry.id);
    });
  }
}

/** For messages: a path relative to the plugin folder. */
export function pluginRelative(dir: string, p: string): string {
  return relative(dir, p).split('\\').join('/');
}

export function isLaminaError(e: unknown): e is LaminaError {
  return e instanceof LaminaError;
}
