/**
 * Vite plugin: `virtual:lamina-editor-types` — the TensorFlow.js declaration files (tfjs-core and
 * tfjs-layers, what model code touches) and the model-context types, as one lazily loaded
 * module `{ [monacoPath]: text }`. One chunk instead of ~900 `?raw` imports.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

const ID = 'virtual:lamina-editor-types';
const RESOLVED = '\0' + ID;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.d.ts') && !name.endsWith('_test.d.ts') && !name.includes('test_util')) out.push(p);
  }
}

export function laminaEditorTypes(repoRoot: string): Plugin {
  return {
    name: 'lamina-editor-types',
    resolveId: (id) => (id === ID ? RESOLVED : null),
    load(id) {
      if (id !== RESOLVED) return null;
      const files: Record<string, string> = {};
      for (const pkg of ['tfjs-core', 'tfjs-layers']) {
        const base = join(repoRoot, 'node_modules', '@tensorflow', pkg);
        const list: string[] = [];
        walk(join(base, 'dist'), list);
        for (const f of list) files[`file:///node_modules/@tensorflow/${pkg}/${relative(base, f).split('\\').join('/')}`] = readFileSync(f, 'utf8');
        files[`file:///node_modules/@tensorflow/${pkg}/package.json`] = JSON.stringify({ name: `@tensorflow/${pkg}`, types: 'dist/index.d.ts' });
      }
      // The umbrella package, reduced to what model code uses.
      files['file:///node_modules/@tensorflow/tfjs/package.json'] = JSON.stringify({ name: '@tensorflow/tfjs', types: 'index.d.ts' });
      files['file:///node_modules/@tensorflow/tfjs/index.d.ts'] =
        "export * from '@tensorflow/tfjs-core';\nexport * from '@tensorflow/tfjs-layers';\n";
      const modelTypes = join(repoRoot, 'src-main', 'core', 'models', 'lamina-model.d.ts');
      if (existsSync(modelTypes)) files['file:///lamina-model.d.ts'] = readFileSync(modelTypes, 'utf8');
      return `export default ${JSON.stringify(files)};`;
    },
  };
}
