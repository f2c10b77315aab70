'use strict';
/**
 * Finds the Electron executable the way `require('electron')` does (node_modules/electron/
 * path.txt, ELECTRON_OVERRIDE_DIST_PATH), but without its side effect: when the binary is
 * missing, `require('electron')` tries to download it, which cannot work offline.
 * Used by start.cjs and by the Playwright Electron tests. Plain CommonJS, no dependencies.
 */
const fs = require('node:fs');
const path = require('node:path');

/** @returns {{ ok: true, path: string } | { ok: false, reason: string }} */
function findElectronBinary(fromDir = process.cwd()) {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json', { paths: [fromDir, __dirname] }));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  let executable;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    executable = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  } else if (relative) {
    executable = path.join(pkgDir, 'dist', relative);
  } else {
    return {
      ok: false,
      reason: `${path.relative(process.cwd(), pathFile) || pathFile} is missing: the Electron binary was never downloaded (electron >= 45 no longer fetches it at npm install)`,
    };
  }
  if (!fs.existsSync(executable)) return { ok: false, reason: `${executable} does not exist` };
  return { ok: true, path: executable };
}

module.exports = { findElectronBinary };
