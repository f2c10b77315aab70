/**
 * Heavy packages loaded on first use, so that commands which never touch them (`lamina --version`,
 * `--help`, `runs`) do not pay for them at start: Apache Arrow (~140 ms), sharp (~40 ms), esbuild, ws.
 * A plain `require` at call time, from sources (tsx, vitest) and from the CommonJS bundle alike.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Arrow from 'apache-arrow';
import type Sharp from 'sharp';
import type * as Esbuild from 'esbuild';
import type * as Ws from 'ws';

const lazyRequire = createRequire(typeof __filename === 'string' ? __filename : join(process.cwd(), 'noop.js'));

function once<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= lazyRequire(id) as T);
}

export const arrow = once<typeof Arrow>('apache-arrow');
export const sharp = once<typeof Sharp>('sharp');
export const esbuild = once<typeof Esbuild>('esbuild');
export const ws = once<typeof Ws>('ws');
