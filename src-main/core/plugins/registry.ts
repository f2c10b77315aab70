/**
 * The core's view of plugins: discovers plugin folders, validates manifests (never running
 * plugin code), keeps state (enabled, error) in the plugins table, and answers "which plugin
 * contributes X". Plugin code itself only ever runs in a host process (see host/pluginRuntime.ts).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Task } from '../domain';
import type { TemplateInfo } from '../service';
import type { PluginRecord, RunStore } from '../store/runStore';
import { LaminaError, inputError, notFound } from '../util/errors';
import { readPluginManifest, type PluginManifest } from './manifest';
import { pluginFolders, type PluginOrigin, type PluginRoot } from './locations';
import { extractTgz } from './tarball';

/** What the plugins table's `manifest` column holds. */
interface StoredManifest {
  manifest: PluginManifest | null;
  origin: PluginOrigin;
  /** 'manifest': the folder failed validation (cleared when it validates again). */
  problem: 'manifest' | null;
}

export interface PluginInfo {
  id: string;
  version: string;
  enabled: boolean;
  error: string | null;
  path: string;
  origin: PluginOrigin;
  displayName: string;
  description: string;
  apiVersion: string | null;
  contributes: PluginManifest['contributes'] | null;
}

/** What a host needs to load a plugin's code. */
export interface PluginRef {
  id: string;
  version: string;
  dir: string;
  main: string;
}

export interface ActivePlugin {
  record: PluginRecord;
  manifest: PluginManifest;
  origin: PluginOrigin;
}

export type FailurePhase = 'load' | 'trainer' | 'metric' | 'importer' | 'command';

export class PluginRegistry {
  private scanned = false;

  constructor(
    private readonly store: RunStore,
    private readonly roots: () => PluginRoot[],
  ) {}

  /** Re-reads every plugin folder; records new, changed, broken and removed plugins. */
  refresh(): PluginInfo[] {
    const found = new Map<string, { dir: string; origin: PluginOrigin; manifest: PluginManifest | null; error: string | null }>();
    for (const root of this.roots()) {
      for (const dir of pluginFolders(root)) {
        try {
          const manifest = readPluginManifest(dir);
          found.set(manifest.id, { dir, origin: root.origin, manifest, error: null });
        } catch (e) {
          const id = guessId(dir);
          found.set(id, { dir, origin: root.origin, manifest: null, error: (e as Error).message });
        }
      }
    }
    for (const old of this.store.listPlugins()) {
      if (!found.has(old.id)) this.store.deletePlugin(old.id);
    }
    for (const [id, f] of found) {
      const before = this.store.getPlugin(id);
      const stored: StoredManifest = { manifest: f.manifest, origin: f.origin, problem: f.manifest ? null : 'manifest' };
      if (!f.manifest) {
        this.store.upsertPlugin({ id, version: readVersion(f.dir), path: f.dir, manifest: stored, enabled: false, error: f.error });
        continue;
      }
      const prev = before?.manifest as StoredManifest | undefined;
      // A plugin that was broken gets a fresh chance when it validates again or its version changes.
      const retry = !before || prev?.problem === 'manifest' || (before.error !== null && before.version !== f.manifest.version);
      this.store.upsertPlugin({
        id,
        version: f.manifest.version,
        path: f.dir,
        manifest: stored,
        ...(retry ? { enabled: true, error: null } : {}),
      });
    }
    this.scanned = true;
    return this.list();
  }

  private ensureScanned(): void {
    if (!this.scanned) this.refresh();
  }

  list(): PluginInfo[] {
    this.ensureScanned();
    return this.store.listPlugins().map(toInfo);
  }

  get(id: string): PluginInfo {
    this.ensureScanned();
    const rec = this.store.getPlugin(id);
    if (!rec) throw notFound(`no plugin "${id}"; installed: ${this.store.listPlugins().map((p) => p.id).join(', ') || 'none'}`);
    return toInfo(rec);
  }

  /** Enabled plugins with a valid manifest. */
  active(): ActivePlugin[] {
    this.ensureScanned();
    const out: ActivePlugin[] = [];
    for (const record of this.store.listPlugins()) {
      const s = record.manifest as StoredManifest;
      if (record.enabled && s?.manifest) out.push({ record, manifest: s.manifest, origin: s.origin });
    }
    return out;
  }

  setEnabled(id: string, enabled: boolean): PluginInfo {
    const info = this.get(id);
    if (enabled && !info.contributes) throw inputError(`plugin "${id}" cannot be enabled: ${info.error ?? 'its manifest is invalid'}`, { file: join(info.path, 'package.json') });
    this.store.setPluginEnabled(id, enabled);
    if (enabled) this.store.setPluginError(id, null);
    return this.get(id);
  }

  /** A plugin's code failed: disable it and say why (shown by `lamina plugins`). */
  recordFailure(id: string, phase: FailurePhase, message: string): void {
    if (!this.store.getPlugin(id)) return;
    this.store.setPluginEnabled(id, false);
    this.store.setPluginError(id, `${phase}: ${message}`);
  }

  ref(p: ActivePlugin): PluginRef | null {
    return p.manifest.main ? { id: p.manifest.id, version: p.manifest.version, dir: p.record.path, main: p.manifest.main } : null;
  }

  // ---- contributions ---------------------------------------------------------------------

  /** Plugin templates, read from the plugin's files (plugin code is not executed). */
  templates(): TemplateInfo[] {
    const out: TemplateInfo[] = [];
    for (const p of this.active()) {
      for (const t of p.manifest.contributes.modelTemplates) {
        const file = join(p.record.path, t.file);
        if (!existsSync(file)) continue;
        out.push({ id: t.id, name: t.name, description: t.description ?? '', origin: p.manifest.id, source: readFileSync(file, 'utf8'), ...(t.defaults ? { defaults: { ...t.defaults } } : {}) });
      }
    }
    return out;
  }

  /** The enabled plugin contributing trainer `id` (optionally `plugin/trainer`). */
  trainer(id: string): { plugin: ActivePlugin; trainerId: string } {
    const [pluginId, trainerId] = id.includes('/') ? id.split('/', 2) : [null, id];
    const all = this.active().flatMap((plugin) => plugin.manifest.contributes.trainers.map((t) => ({ plugin, trainerId: t.id })));
    const hit = all.find((x) => x.trainerId === trainerId && (pluginId === null || x.plugin.manifest.id === pluginId));
    if (!hit) {
      throw new LaminaError('usage', `no enabled plugin provides trainer "${id}"; available: ${all.map((x) => x.trainerId).join(', ') || 'none'} (see lamina plugins)`, { field: 'trainer' });
    }
    return hit;
  }

  /** Metrics of enabled plugins that apply to `task`. */
  metrics(task: Task): { plugin: ActivePlugin; metricIds: string[] }[] {
    return this.active()
      .map((plugin) => ({ plugin, metricIds: plugin.manifest.contributes.metrics.filter((m) => m.tasks.includes(task)).map((m) => m.id) }))
      .filter((x) => x.metricIds.length > 0);
  }

  /** The importer forced by id, or the one claiming the file's extension. */
  importer(file: string, forced?: string): { plugin: ActivePlugin; importerId: string } | null {
    const all = this.active().flatMap((plugin) => plugin.manifest.contributes.datasetImporters.map((imp) => ({ plugin, imp })));
    if (forced !== undefined) {
      const hit = all.find((x) => x.imp.id === forced || `${x.plugin.manifest.id}/${x.imp.id}` === forced);
      return hit ? { plugin: hit.plugin, importerId: hit.imp.id } : null;
    }
    // By the end of the name, so double extensions (".nii.gz") match too.
    const name = file.toLowerCase();
    const hit = extname(name) ? all.find((x) => x.imp.extensions.some((e) => e && name.endsWith(e.toLowerCase()))) : undefined;
    return hit ? { plugin: hit.plugin, importerId: hit.imp.id } : null;
  }

  importerIds(): string[] {
    return this.active().flatMap((p) => p.manifest.contributes.datasetImporters.map((i) => i.id));
  }

  views(location = 'run-detail'): { pluginId: string; viewId: string; title: string }[] {
    return this.active().flatMap((p) =>
      p.manifest.contributes.views.filter((v) => v.location === location).map((v) => ({ pluginId: p.manifest.id, viewId: v.id, title: v.title })),
    );
  }

  // ---- install ---------------------------------------------------------------------------

  /**
   * Copies a plugin folder (or extracts a .tgz) into `into/<id>`, replacing an older copy.
   * Validates before anything is replaced, so a bad plugin leaves the installed one alone.
   */
  install(source: string, into: string, tmpDir: string): PluginManifest {
    const src = resolve(source);
    if (!existsSync(src)) throw inputError(`${src}: no such file or folder`, { file: src });
    const staging = mkdtempSync(join(tmpDir, 'plugin-'));
    try {
      let root = staging;
      if (statSync(src).isDirectory()) {
        cpSync(src, staging, { recursive: true, filter: (p) => !/[\\/](node_modules|\.git)$/.test(p) });
      } else if (/\.(tgz|tar\.gz)$/i.test(src)) {
        extractTgz(src, staging);
        const entries = readdirSync(staging);
        // npm pack puts everything under package/.
        if (!existsSync(join(staging, 'package.json')) && entries.length === 1) root = join(staging, entries[0]);
      } else {
        throw inputError(`${src}: a plugin is a folder or a .tgz (npm pack)`, { file: src });
      }
      const manifest = readPluginManifest(root);
      const target = join(into, manifest.id);
      rmSync(target, { recursive: true, force: true });
      cpSync(root, target, { recursive: true });
      this.refresh();
      // An explicit install is a fresh start even when the same version failed before.
      this.store.setPluginEnabled(manifest.id, true);
      this.store.setPluginError(manifest.id, null);
      return readPluginManifest(target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
}

function guessId(dir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; lamina?: { id?: unknown } };
    const fromPkg = typeof pkg.lamina?.id === 'string' ? pkg.lamina.id : typeof pkg.name === 'string' ? pkg.name.replace(/^@[^/]+\//, '') : null;
    if (fromPkg) return fromPkg;
  } catch {
    /* fall back to the folder name */
  }
  return basename(dir);
}

function readVersion(dir: string): string {
  try {
    const v = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function toInfo(rec: PluginRecord): PluginInfo {
  const s = rec.manifest as StoredManifest | null;
  const m = s?.manifest ?? null;
  return {
    id: rec.id,
    version: rec.version,
    enabled: rec.enabled,
    error: rec.error,
    path: rec.path,
    origin: s?.origin ?? 'workspace',
    displayName: m?.displayName ?? rec.id,
    description: m?.description ?? '',
    apiVersion: m?.apiVersion ?? null,
    contributes: m?.contributes ?? null,
  };
}

