#!/usr/bin/env node
// `lamina` launcher: runs the built CLI (out/main/cli.js). Build it once with `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('lamina: the CLI is not built yet. Run `npm run build` (or `npm run setup`) in the Lamina checkout first.\n');
  process.exit(2);
}
const { main } = require(cli);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`lamina: ${(e && e.stack) || e}\n`);
    process.exitCode = 1;
  },
);
