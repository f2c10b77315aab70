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
import { readPackedManifest } from './packedManifest';
import { readPluginManifest, type PluginManifest } from './manifest';
import { pluginFolders, type PluginOrigin, type PluginRoot } from './locations';
import { extractTgz } from './tarball';
import { assertNoEscapingLinks } from './installLimits';

/** What the plugins table's `manifest` column holds. */
interface StoredManifest {
  manifest: PluginManifest | null;
  origin: PluginOrigin;
  /** 'manifest': the folder failed validation (cleared when it validates again). */
  problem: 'manifest' | null;
  /** The user's consent to run a workspace plugin: an HMAC bound to this machine (see PluginGate). */
  consent?: string | null;
  /** Copies with the same id that were not used (a workspace plugin never replaces a user or first-party one). */
  ignored?: { path: string; origin: PluginOrigin }[];
}

/**
 * What decides whether a workspace plugin may run: the workspace must be trusted, and the user must
 * have agreed to this plugin (id, version and folder) on this machine. First-party plugins (the app's
 * plugins/ folder) and the user's own plugin folder need neither.
 */
export interface PluginGate {
  workspaceTrusted(): boolean;
  consentMac(id: string, version: string, dir: string): string;
}

const OPEN_GATE: PluginGate = { workspaceTrusted: () => true, consentMac: () => 'granted' };

/** What a consent prompt says a plugin can do (UI and `lamina plugin enable`). */
export const PLUGIN_CONSENT_STATEMENT =
  'A plugin runs Node.js code with your user rights: it can read and change your files, start programs and use the network. Enable only plugins you trust.';

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
  /** 'required': a workspace plugin the user has not agreed to run yet (it stays off until then). */
  consent: 'not-needed' | 'granted' | 'required';
  /** A workspace plugin held back because the workspace is in restricted mode. */
  restricted: boolean;
  /** Other folders with this id that were ignored. */
  ignoredCopies: { path: string; origin: PluginOrigin }[];
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
    private readonly gate: PluginGate = OPEN_GATE,
  ) {}

  /** Re-reads every plugin folder; records new, changed, broken and removed plugins. */
  refresh(): PluginInfo[] {
    type Found = { dir: string; origin: PluginOrigin; manifest: PluginManifest | null; error: string | null; ignored: StoredManifest['ignored'] & object };
    const found = new Map<string, Found>();
    const add = (id: string, f: Omit<Found, 'ignored'>) => {
      const before = found.get(id);
      // A user plugin may replace a first-party one (the user's choice); a workspace plugin, which can
      // arrive with a downloaded folder, never replaces either: it is listed as ignored instead.
      if (before && f.origin === 'workspace' && before.origin !== 'workspace') {
        before.ignored.push({ path: f.dir, origin: f.origin });
        return;
      }
      found.set(id, { ...f, ignored: before ? [...before.ignored, { path: before.dir, origin: before.origin }] : [] });
    };
    for (const root of this.roots()) {
      for (const dir of pluginFolders(root)) {
        try {
          const manifest = readPluginManifest(dir);
          add(manifest.id, { dir, origin: root.origin, manifest, error: null });
        } catch (e) {
          add(guessId(dir), { dir, origin: root.origin, manifest: null, error: (e as Error).message });
        }
      }
    }
    for (const old of this.store.listPlugins()) {
      if (!found.has(old.id)) this.store.deletePlugin(old.id);
    }
    for (const [id, f] of found) {
      const before = this.store.getPlugin(id);
      const prevStored = before?.manifest as StoredManifest | undefined;
      const stored: StoredManifest = {
        manifest: f.manifest,
        origin: f.origin,
        problem: f.manifest ? null : 'manifest',
        consent: prevStored?.consent ?? null,
        ignored: f.ignored,
      };
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
    return this.store.listPlugins().map((r) => this.toInfo(r));
  }

  get(id: string): PluginInfo {
    this.ensureScanned();
    const rec = this.store.getPlugin(id);
    if (!rec) throw notFound(`no plugin "${id}"; installed: ${this.store.listPlugins().map((p) => p.id).join(', ') || 'none'}`);
    return this.toInfo(rec);
  }

  /** Whether this plugin's code may run: workspace plugins need a trusted workspace and the user's consent. */
  private mayRun(rec: PluginRecord): { consent: PluginInfo['consent']; restricted: boolean } {
    const s = rec.manifest as StoredManifest | null;
    if ((s?.origin ?? 'workspace') !== 'workspace') return { consent: 'not-needed', restricted: false };
    const granted = typeof s?.consent === 'string' && s.consent === this.gate.consentMac(rec.id, rec.version, rec.path);
    return { consent: granted ? 'granted' : 'required', restricted: !this.gate.workspaceTrusted() };
  }

  private runnable(rec: PluginRecord): boolean {
    const m = this.mayRun(rec);
    return rec.enabled && m.consent !== 'required' && !m.restricted;
  }

  /** Records the user's consent to run this workspace plugin (its id, version and folder, on this machine). */
  private grantConsent(id: string): void {
    const rec = this.store.getPlugin(id);
    if (!rec) return;
    const s = rec.manifest as StoredManifest;
    if (s.origin !== 'workspace') return;
    this.store.upsertPlugin({ id, version: rec.version, path: rec.path, manifest: { ...s, consent: this.gate.consentMac(rec.id, rec.version, rec.path) } });
  }

  private toInfo(rec: PluginRecord): PluginInfo {
    const s = rec.manifest as StoredManifest | null;
    const m = s?.manifest ?? null;
    const may = this.mayRun(rec);
    return {
      id: rec.id,
      version: rec.version,
      enabled: this.runnable(rec),
      error: rec.error,
      path: rec.path,
      origin: s?.origin ?? 'workspace',
      displayName: m?.displayName ?? rec.id,
      description: m?.description ?? '',
      apiVersion: m?.apiVersion ?? null,
      contributes: m?.contributes ?? null,
      consent: may.consent,
      restricted: may.restricted,
      ignoredCopies: s?.ignored ?? [],
    };
  }

  /** Enabled plugins with a valid manifest. */
  active(): ActivePlugin[] {
    this.ensureScanned();
    const out: ActivePlugin[] = [];
    for (const record of this.store.listPlugins()) {
      const s = record.manifest as StoredManifest;
      if (this.runnable(record) && s?.manifest) out.push({ record, manifest: s.manifest, origin: s.origin });
    }
    return out;
  }

  setEnabled(id: string, enabled: boolean): PluginInfo {
    const info = this.get(id);
    if (enabled && !info.contributes) throw inputError(`plugin "${id}" cannot be enabled: ${info.error ?? 'its manifest is invalid'}`, { file: join(info.path, 'package.json') });
    // Enabling is the consent: the prompt (UI, `lamina plugin enable`) has said what the plugin can do.
    if (enabled) this.grantConsent(id);
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

  /** Views of enabled plugins at one location, or at every location when none is given. */
  views(location: string | null = 'run-detail'): { pluginId: string; viewId: string; title: string; location: string; importers?: string[] }[] {
    return this.active().flatMap((p) =>
      p.manifest.contributes.views
        .filter((v) => location === null || v.location === location)
        .map((v) => ({ pluginId: p.manifest.id, viewId: v.id, title: v.title, location: v.location, ...(v.importers ? { importers: v.importers } : {}) })),
    );
  }

  // ---- install ---------------------------------------------------------------------------

  /**
   * Copies a plugin folder (or extracts a .tgz) into `into/<id>`, replacing an older copy.
   * Validates before anything is replaced, so a bad plugin leaves the installed one alone.
   */
  install(source: string, into: string, tmpDir: string): PluginManifest {
    this.ensureScanned();
    const src = resolve(source);
    if (!existsSync(src)) throw inputError(`${src}: no such file or folder`, { file: src });
    const staging = mkdtempSync(join(tmpDir, 'plugin-'));
    try {
      let root = staging;
      if (statSync(src).isDirectory()) {
        assertNoEscapingLinks(src, (name) => name === 'node_modules' || name === '.git');
        cpSync(src, staging, { recursive: true, filter: (p) => !/[\\/](node_modules|\.git)$/.test(p) });
      } else if (/\.(tgz|tar\.gz)$/i.test(src)) {
        extractTgz(src, staging);
        const entries = readdirSync(staging);
        // npm pack puts everything under package/.
        if (!existsSync(join(staging, 'package.json')) && entries.length === 1) root = join(staging, entries[0]);
      } else {
        throw inputError(`${src}: a plugin is a folder or a .tgz (npm pack)`, { file: src });
      }
      const manifest = statSync(src).isDirectory() ? readPluginManifest(root) : readPackedManifest(root, src);
      const taken = this.store.getPlugin(manifest.id);
      const takenOrigin = (taken?.manifest as StoredManifest | undefined)?.origin;
      if (taken && takenOrigin && takenOrigin !== 'workspace' && existsSync(taken.path)) {
        throw new LaminaError('conflict', `plugin id "${manifest.id}" is taken by the ${takenOrigin === 'builtin' ? 'first-party' : "user's"} plugin at ${taken.path}; a workspace plugin cannot replace it (give yours another id)`, { field: 'lamina.id' });
      }
      const target = join(into, manifest.id);
      rmSync(target, { recursive: true, force: true });
      cpSync(root, target, { recursive: true });
      this.refresh();
      // An explicit install is a fresh start even when the same version failed before, and the
      // user's consent to run it (the CLI and the UI say what a plugin can do).
      this.grantConsent(manifest.id);
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
