/**
 * Limits on what a plugin install may bring (SECURITY.md): no symbolic link that leaves the plugin
 * folder (checked with realpath), and caps on an archive's unpacked size, file count and entry size
 * so a small gzip bomb cannot take gigabytes of memory or disk.
 */
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { inputError } from '../util/errors';

export const PLUGIN_INSTALL_LIMITS = {
  /** Everything a .tgz unpacks to (it is unpacked in memory up to this much, never more). */
  maxUnpackedBytes: 256 * 1024 * 1024,
  maxFiles: 20_000,
  maxEntryBytes: 128 * 1024 * 1024,
  /** package.json */
  maxManifestBytes: 1024 * 1024,
};

export const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;

/** Refuses a folder holding a symbolic link whose target (resolved) is outside the folder. */
export function assertNoEscapingLinks(root: string, skip: (name: string) => boolean = () => false): void {
  const realRoot = realpathSync(root);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (skip(name)) continue;
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(p);
        } catch {
          throw inputError(`${p}: a symbolic link whose target does not exist; a plugin cannot hold it`, { file: p });
        }
        const rel = relative(realRoot, target);
        if (rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) {
          throw inputError(`${p}: a symbolic link to ${target}, outside the plugin folder; refused (copy the file into the plugin instead)`, { file: p });
        }
      } else if (st.isDirectory()) {
        walk(p);
      }
    }
  };
  walk(root);
}
