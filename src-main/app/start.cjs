#!/usr/bin/env node
'use strict';
/**
 * `npm start`: launches the built app (out/main/app.js) in Electron. Where the Electron binary
 * cannot be had (it is a separate download since electron 45), says so and points to the
 * browser UI, which needs only Node.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { findElectronBinary } = require('./electronBinary.cjs');

const root = path.resolve(__dirname, '..', '..');
const mainBundle = path.join(root, 'out', 'main', 'app.js');

const electron = findElectronBinary(root);
if (!electron.ok) {
  process.stderr.write(
    `lamina: cannot start the desktop app: Electron binary not available: ${electron.reason}.\n` +
      'Where you have internet access, fetch it with `npx install-electron`, then run `npm start` again.\n' +
      'Without it, use the same UI in your browser: `npx lamina serve`.\n',
  );
  process.exit(1);
}
if (!fs.existsSync(mainBundle)) {
  process.stderr.write(
    `lamina: ${path.relative(process.cwd(), mainBundle)} is missing: run \`npm run build\` first.\n`,
  );
  process.exit(1);
}

const env = { ...process.env };
// Set, it would make Electron behave as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron.path, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: false });
child.on('error', (err) => {
  process.stderr.write(`lamina: could not launch ${electron.path}: ${err.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
