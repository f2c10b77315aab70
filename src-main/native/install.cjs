#!/usr/bin/env node
/*
 * Builds Lamina's optional native kernels (lamina_native.node: C + OpenBLAS) during `npm ci` /
 * `npm install` (the root package's postinstall). It never fails the install: where there is no C
 * toolchain, no node headers or no libopenblas-dev, it prints why and writes the reason to
 * build/status.txt; training then runs on pure wasm and each run records that reason.
 * Skip it with LAMINA_NATIVE_KERNELS=0. Rebuild by hand: `node src-main/native/install.cjs`.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const here = __dirname;
const statusFile = join(here, 'build', 'status.txt');

function done(ok, message) {
  try {
    mkdirSync(join(here, 'build'), { recursive: true });
    writeFileSync(statusFile, `${ok ? 'built' : 'unavailable'}: ${message}\n`);
  } catch {
    // a read-only checkout: the message below is all there is
  }
  console.log(`lamina native kernels: ${ok ? 'built' : 'not built'} (${message})${ok ? '' : '; training uses pure wasm'}`);
  process.exit(0);
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [join(here, '..', '..')] });
  } catch {
    return null;
  }
}

/** The most telling line of a failed build. */
function cause(output) {
  if (/cblas\.h: No such file/.test(output)) return 'cblas.h not found: install libopenblas-dev';
  if (/cannot find -lopenblas/.test(output)) return 'libopenblas not found: install libopenblas-dev';
  if (/node_api\.h: No such file|common\.gypi/.test(output)) return 'node headers not found (set npm_config_nodedir, or let node-gyp download them)';
  if (/not found: (make|cc|gcc)|gyp ERR! stack Error: not found/.test(output)) return 'no C toolchain (install build-essential)';
  const line = output.split('\n').find((l) => /error/i.test(l));
  return (line ?? output.trim().split('\n').pop() ?? 'unknown error').trim().slice(0, 200);
}

if (/^(0|false|off|no)$/i.test(process.env.LAMINA_NATIVE_KERNELS ?? '')) done(false, 'skipped: LAMINA_NATIVE_KERNELS=0');
if (process.platform !== 'linux') done(false, `not built on ${process.platform} (the build expects Debian's libopenblas-dev)`);
const gyp = nodeGyp();
if (gyp === null) done(false, 'node-gyp not found');
const args = [gyp, 'rebuild'];
// Debian's nodejs ships its headers in /usr/include/node: use them instead of downloading.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', env: { ...process.env }, timeout: 300_000 });
const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
if (r.error) done(false, `node-gyp did not run (${r.error.message})`);
if (r.status !== 0) done(false, cause(output));
// Loading it proves the library links at run time, not only at build time.
const load = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(join(here, 'build', 'Release', 'lamina_native.node'))}).config())`], {
  encoding: 'utf8',
  env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
});
if (load.status !== 0) done(false, `built but does not load (${(load.stderr || '').trim().split('\n')[0]})`);
done(true, load.stdout.trim());
