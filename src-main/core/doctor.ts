/**
 * `lamina doctor`: checks the installation and a workspace without changing either (the database is
 * opened read-only; nothing is migrated, swept or trusted). Each check is ok, warn or fail; any fail
 * makes the command exit 1.
 */
import { existsSync, readdirSync, statfsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cudaVisible } from './engine/host/backends';
import { latestSchemaVersion } from './store/migrations';
import { hasValidTrustMark } from './trust/workspaceTrust';
import { STALE_PART_MS, findStaleParts } from './util/atomicWrite';
import { storageErrorMessage } from './util/storageErrors';
import { workspacePaths } from './workspace/workspace';

export type CheckStatus = 'ok' | 'warn' | 'fail';
export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}
export interface DoctorReport {
  workspace: string;
  ok: boolean;
  checks: DoctorCheck[];
}

const MIN_NODE = [20, 19, 0];
const LOW_DISK_BYTES = 1024 ** 3;

const load = createRequire(__filename);

function tryLoad(id: string): string | null {
  try {
    load(id);
    return null;
  } catch (e) {
    return ((e as Error).message ?? String(e)).split('\n')[0];
  }
}

function nodeCheck(): DoctorCheck {
  const v = process.versions.node.split('.').map(Number);
  const ok = v[0] > MIN_NODE[0] || (v[0] === MIN_NODE[0] && (v[1] > MIN_NODE[1] || (v[1] === MIN_NODE[1] && v[2] >= MIN_NODE[2])));
  return { name: 'node', status: ok ? 'ok' : 'fail', detail: `Node.js ${process.versions.node}${ok ? '' : ` (Lamina needs ${MIN_NODE.join('.')} or later)`}` };
}

function backendChecks(): DoctorCheck[] {
  const gpu = tryLoad('@tensorflow/tfjs-node-gpu');
  const cuda = cudaVisible();
  const native = tryLoad('@tensorflow/tfjs-node');
  const wasm = tryLoad('@tensorflow/tfjs-backend-wasm');
  return [
    { name: 'backend tensorflow (GPU)', status: 'ok', detail: gpu ? `not available: ${gpu}` : cuda.ok ? 'available' : `installed, but ${cuda.why}` },
    { name: 'backend tensorflow (CPU)', status: 'ok', detail: native ? `not available: ${native}` : 'available' },
    { name: 'backend wasm', status: wasm ? 'warn' : 'ok', detail: wasm ? `not available: ${wasm}` : 'available' },
    { name: 'backend cpu', status: 'ok', detail: 'available (always)' },
  ];
}

function nativeModuleChecks(): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  try {
    const Database = load('better-sqlite3');
    new Database(':memory:').close();
    checks.push({ name: 'native better-sqlite3', status: 'ok', detail: 'loads' });
  } catch (e) {
    checks.push({ name: 'native better-sqlite3', status: 'fail', detail: `does not load: ${(e as Error).message.split('\n')[0]}` });
  }
  const sharp = tryLoad('sharp');
  checks.push({ name: 'native sharp', status: sharp ? 'fail' : 'ok', detail: sharp ? `does not load: ${sharp}` : 'loads' });
  return checks;
}

function workspaceChecks(root: string): DoctorCheck[] {
  const paths = workspacePaths(root);
  if (!existsSync(paths.db)) return [{ name: 'workspace', status: 'warn', detail: `${paths.root} holds no lamina.db (not a workspace yet)` }];
  const checks: DoctorCheck[] = [];
  try {
    const Database = load('better-sqlite3');
    const db = new Database(paths.db, { readonly: true, fileMustExist: true });
    try {
      const integrity = (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map((r) => r.integrity_check);
      const intact = integrity.length === 1 && integrity[0] === 'ok';
      checks.push({ name: 'database integrity', status: intact ? 'ok' : 'fail', detail: intact ? 'PRAGMA integrity_check: ok' : `PRAGMA integrity_check: ${integrity.slice(0, 3).join('; ')}${integrity.length > 3 ? ` (+${integrity.length - 3} more)` : ''}` });
      const version = db.pragma('user_version', { simple: true }) as number;
      checks.push({
        name: 'schema version',
        status: version > latestSchemaVersion ? 'fail' : 'ok',
        detail: version > latestSchemaVersion ? `${version}: made by a newer Lamina (this one knows up to ${latestSchemaVersion})` : version < latestSchemaVersion ? `${version} (migrated to ${latestSchemaVersion} when next opened)` : String(version),
      });
      const runIds = new Set((db.prepare('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
      const orphans = existsSync(paths.artifacts) ? readdirSync(paths.artifacts).filter((d) => !runIds.has(d)) : [];
      checks.push({ name: 'orphan artifacts', status: orphans.length ? 'warn' : 'ok', detail: orphans.length ? `${orphans.length} folder(s) in artifacts/ belong to no run: ${orphans.slice(0, 3).join(', ')}` : 'none' });
      const plugins = db.prepare('SELECT id, enabled, error FROM plugins ORDER BY id').all() as { id: string; enabled: number; error: string | null }[];
      const broken = plugins.filter((p) => p.error);
      checks.push({
        name: 'plugins',
        status: broken.length ? 'warn' : 'ok',
        detail: `${plugins.filter((p) => p.enabled).length} enabled, ${plugins.filter((p) => !p.enabled).length} off${broken.length ? `; failing: ${broken.map((p) => `${p.id} (${p.error})`).join(', ')}` : ''}`,
      });
    } finally {
      db.close();
    }
  } catch (e) {
    checks.push({ name: 'database integrity', status: 'fail', detail: storageErrorMessage(e) ?? (e as Error).message });
  }
  const parts = findStaleParts([paths.datasets, paths.artifacts, paths.models, paths.tmp], Date.now() - STALE_PART_MS);
  checks.push({ name: 'stale .part files', status: parts.length ? 'warn' : 'ok', detail: parts.length ? `${parts.length} left by writers that died (removed when the workspace is next opened)` : 'none' });
  const trusted = hasValidTrustMark(paths.root);
  checks.push({ name: 'trust', status: 'ok', detail: trusted ? 'trusted on this machine' : 'restricted: no plugin or model code from it runs (lamina trust to lift)' });
  try {
    const fs = statfsSync(paths.root);
    const free = fs.bavail * fs.bsize;
    checks.push({ name: 'disk space', status: free < LOW_DISK_BYTES ? 'warn' : 'ok', detail: `${(free / 1024 ** 3).toFixed(1)} GiB free` });
  } catch (e) {
    checks.push({ name: 'disk space', status: 'warn', detail: `unknown (${(e as Error).message})` });
  }
  return checks;
}

export function runDoctor(workspaceDir: string): DoctorReport {
  const root = workspacePaths(workspaceDir).root;
  const checks = [nodeCheck(), ...backendChecks(), ...nativeModuleChecks(), ...workspaceChecks(root)];
  return { workspace: root, ok: !checks.some((c) => c.status === 'fail'), checks };
}
