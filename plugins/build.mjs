// Builds the first-party plugins that ship with Lamina (every folder in plugins/ except the SDK)
// the way a third party builds theirs (see the scaffold's build.mjs): src/index.ts → dist/index.js
// (CommonJS for the host process) and src/view.ts → dist/view.js (a browser script for the sandboxed
// view iframe). `@lamina/plugin-sdk` resolves to plugins/sdk; `@tensorflow/tfjs` stays external
// because the host hands plugins its own TensorFlow.js as `ctx.tf`; every other npm dependency is
// bundled, so an installed app needs nothing but the plugin folder.
//
// A plugin may bring its own build.mjs (run with LAMINA_HOME set to this checkout) when it needs
// more than this, e.g. wasm files copied next to dist/.
//
//   node plugins/build.mjs            build every first-party plugin
//   node plugins/build.mjs ensembles  build the named ones
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import esbuild from 'esbuild';

const pluginsDir = dirname(fileURLToPath(import.meta.url));
const home = dirname(pluginsDir);
const sdk = join(pluginsDir, 'sdk', 'src');
const alias = {
  '@lamina/plugin-sdk/testing': join(sdk, 'testing.ts'),
  '@lamina/plugin-sdk/viewBridge': join(sdk, 'viewBridge.ts'),
  '@lamina/plugin-sdk': join(sdk, 'index.ts'),
};

/** First-party plugin folders: sub-folders with a package.json that declares a `lamina` field. */
export function firstPartyPlugins() {
  return readdirSync(pluginsDir)
    .filter((name) => name !== 'sdk' && !name.startsWith('.'))
    .map((name) => join(pluginsDir, name))
    .filter((dir) => statSync(dir).isDirectory() && existsSync(join(dir, 'package.json')))
    .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).lamina !== undefined);
}

async function buildOne(dir) {
  if (existsSync(join(dir, 'build.mjs'))) {
    const r = spawnSync(process.execPath, ['build.mjs'], { cwd: dir, stdio: 'inherit', env: { ...process.env, LAMINA_HOME: home } });
    if (r.status !== 0) throw new Error(`${dir}/build.mjs failed (exit ${r.status})`);
    return;
  }
  const node = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    alias,
    external: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
    nodePaths: [join(home, 'node_modules')],
    logLevel: 'warning',
    absWorkingDir: dir,
  };
  if (existsSync(join(dir, 'src', 'index.ts'))) {
    await esbuild.build({ ...node, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
  }
  if (existsSync(join(dir, 'src', 'view.ts'))) {
    await esbuild.build({
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
      alias,
      nodePaths: [join(home, 'node_modules')],
      entryPoints: ['src/view.ts'],
      outfile: 'dist/view.js',
      logLevel: 'warning',
      absWorkingDir: dir,
    });
  }
}

const only = process.argv.slice(2);
const dirs = firstPartyPlugins().filter((d) => only.length === 0 || only.some((n) => d.endsWith(`/${n}`) || d.endsWith(`\\${n}`)));
for (const dir of dirs) await buildOne(dir);
if (dirs.length) console.log(`plugins: built ${dirs.map((d) => d.split(/[\\/]/).pop()).join(', ')}`);
