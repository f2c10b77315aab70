/**
 * Workspace trust, as VS Code's Workspace Trust does it: a workspace that was not created on this
 * machine (or not yet trusted here) opens in restricted mode, where no plugin code from its
 * plugins/ folder and no model code run. Trust is a mark in the workspace (`.lamina-trust`) holding
 * an HMAC of the workspace's real path under this machine's key (machineKey.ts): a copied or
 * downloaded workspace brings a mark that does not verify here, and moving a workspace asks again.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineMac } from './machineKey';
import { writeFileAtomicSync } from '../util/atomicWrite';

export const TRUST_FILE = '.lamina-trust';

export type TrustState =
  /** A valid mark from this machine. */
  | 'trusted'
  /** Trusted for this process only (`--trust`). */
  | 'trusted-once'
  /** No valid mark: restricted mode. */
  | 'restricted';

function realRoot(root: string): string {
  try {
    return realpathSync(resolve(root));
  } catch {
    return resolve(root);
  }
}

function expectedMac(root: string): string {
  return machineMac(['lamina-workspace-trust-v1', realRoot(root)]);
}

export function hasValidTrustMark(root: string): boolean {
  try {
    const mark = JSON.parse(readFileSync(join(root, TRUST_FILE), 'utf8')) as { mac?: unknown };
    return typeof mark.mac === 'string' && mark.mac === expectedMac(root);
  } catch {
    return false;
  }
}

export function writeTrustMark(root: string): void {
  const body = {
    note: 'Lamina trusts this workspace on the machine that wrote this file only; copied elsewhere it opens restricted.',
    mac: expectedMac(root),
    trustedAt: new Date().toISOString(),
  };
  writeFileAtomicSync(join(root, TRUST_FILE), JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
}

export function removeTrustMark(root: string): void {
  rmSync(join(root, TRUST_FILE), { force: true });
}

/**
 * True when Lamina is about to create this workspace from nothing: no database and no code that
 * could have arrived with the folder (files in models/, folders in plugins/). Such a workspace is
 * made here, so it is trusted.
 */
export function isNewWorkspace(root: string): boolean {
  const r = resolve(root);
  if (!existsSync(r)) return true;
  if (existsSync(join(r, 'lamina.db'))) return false;
  const nonEmpty = (dir: string) => existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
  return !nonEmpty(join(r, 'models')) && !nonEmpty(join(r, 'plugins'));
}
