// Builds the plugin like plugins/build.mjs does (src/index.ts → dist/index.js, CommonJS, the SDK
// from this checkout, TensorFlow.js left to the host), except that the three Cornerstone codecs
// are copied to dist/codecs/ instead of being bundled: they are ≈ 1.5 MB of asm.js that would
// otherwise be parsed (seconds) whenever the plugin loads, and only DICOM imports need them.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const home = resolve(process.env.LAMINA_HOME ?? join(here, '..', '..'));
const require = createRequire(join(home, 'package.json'));
const esbuild = require('esbuild');
const sdk = join(home, 'plugins', 'sdk', 'src');

const alias = {
  '@lamina/plugin-sdk/testing': join(sdk, 'testing.ts'),
  '@lamina/plugin-sdk/viewBridge': join(sdk, 'viewBridge.ts'),
  '@lamina/plugin-sdk': join(sdk, 'index.ts'),
};
const common = { bundle: true, alias, nodePaths: [join(home, 'node_modules')], logLevel: 'warning', absWorkingDir: here };

await esbuild.build({
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'],
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
});

// The DICOM viewer (a dataset view, plugin API 1.2): a browser script for the sandboxed view iframe.
await esbuild.build({ ...common, platform: 'browser', format: 'iife', target: 'es2020', entryPoints: ['src/view.ts'], outfile: 'dist/view.js' });

mkdirSync(join(here, 'dist', 'codecs'), { recursive: true });
for (const [pkg, file] of [
  ['@cornerstonejs/codec-libjpeg-turbo-8bit/decode', 'libjpeg-turbo-8bit.js'],
  ['@cornerstonejs/codec-charls/decode', 'charls.js'],
  ['@cornerstonejs/codec-openjpeg/decode', 'openjpeg.js'],
]) copyFileSync(require.resolve(pkg), join(here, 'dist', 'codecs', file));
