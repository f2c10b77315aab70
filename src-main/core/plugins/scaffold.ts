/**
 * `lamina plugin create DIR --name N`: writes a working TypeScript plugin — a model template,
 * a metric, a view, a test that uses the SDK's headless harness, a README and a build script.
 *
 * Offline by design: the build uses esbuild from the Lamina checkout (LAMINA_HOME, recorded in
 * build.mjs) and resolves `@lamina/plugin-sdk` to the checkout's plugins/sdk, so nothing is
 * downloaded; package.json still names the SDK (a `file:` dependency) for editors and npm.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LaminaError } from '../util/errors';
import { builtinPluginsDir } from './locations';
import { HOST_PLUGIN_API_VERSION } from './manifest';

export interface ScaffoldResult {
  dir: string;
  id: string;
  files: string[];
}

/** The Lamina checkout the scaffold builds against: $LAMINA_HOME or the folder holding plugins/sdk. */
export function laminaHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAMINA_HOME) return resolve(env.LAMINA_HOME);
  const plugins = builtinPluginsDir({ ...env, LAMINA_BUILTIN_PLUGINS: undefined });
  if (!plugins) throw new LaminaError('failed', 'cannot find the Lamina checkout (plugins/sdk); set LAMINA_HOME');
  return dirname(plugins);
}

export function pluginIdFromName(name: string): string {
  const id = name.toLowerCase().replace(/^@[^/]+\//, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 64);
  if (!id) throw new LaminaError('usage', `--name "${name}" has no letters or digits to make a plugin id from`, { field: 'name' });
  return id;
}

export function createPluginScaffold(dir: string, name: string, env: NodeJS.ProcessEnv = process.env): ScaffoldResult {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new LaminaError('usage', `${target} exists and is not empty; choose a new folder`, { file: target });
  }
  const id = pluginIdFromName(name);
  const home = laminaHome(env);
  const metricId = 'balanced_accuracy';
  const files: Record<string, string> = {
    'package.json': JSON.stringify(
      {
        name: id,
        version: '0.1.0',
        description: `${name}: a Lamina plugin`,
        private: true,
        // What `npm pack` puts in the .tgz that `lamina plugin install` takes: the built entries
        // (dist/ is in .gitignore, which npm pack would otherwise follow) and the template sources.
        files: ['dist/index.js', 'dist/view.js', 'templates'],
        scripts: { build: 'node build.mjs', test: 'node build.mjs --test' },
        devDependencies: { '@lamina/plugin-sdk': `file:${join(home, 'plugins', 'sdk')}` },
        lamina: {
          apiVersion: `^${HOST_PLUGIN_API_VERSION}`,
          main: 'dist/index.js',
          renderer: 'dist/view.js',
          displayName: name,
          description: 'A model template, a metric and a run view.',
          contributes: {
            modelTemplates: [{ id: `${id}-mlp`, name: `${name} MLP`, description: 'A small dense network (from the plugin).', file: 'templates/mlp.ts' }],
            metrics: [{ id: metricId, name: 'Balanced accuracy', tasks: ['classification'], higherIsBetter: true }],
            views: [{ id: 'summary', title: `${name}: summary`, location: 'run-detail' }],
          },
        },
      },
      null,
      2,
    ) + '\n',
    'build.mjs': BUILD_MJS.replace('__LAMINA_HOME__', JSON.stringify(home)),
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true, skipLibCheck: true, types: ['node'],
          baseUrl: '.',
          paths: {
            '@lamina/plugin-sdk': [join(home, 'plugins/sdk/src/index.ts')],
            '@lamina/plugin-sdk/*': [join(home, 'plugins/sdk/src/*')],
            '*': [join(home, 'node_modules/*'), join(home, 'node_modules/@types/*')],
          },
        },
        include: ['src', 'templates', 'test'],
      },
      null,
      2,
    ) + '\n',
    '.gitignore': 'dist/\nnode_modules/\n',
    'src/index.ts': INDEX_TS.replaceAll('__METRIC__', metricId),
    'src/view.ts': VIEW_TS,
    'templates/mlp.ts': TEMPLATE_TS.replaceAll('__NAME__', name.replace(/'/g, "\\'")),
    'test/plugin.test.ts': TEST_TS.replaceAll('__METRIC__', metricId),
    'README.md': README_MD.replaceAll('__NAME__', name).replaceAll('__ID__', id).replaceAll('__METRIC__', metricId).replaceAll('__HOME__', home),
  };
  for (const [rel, text] of Object.entries(files)) {
    const p = join(target, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { dir: target, id, files: Object.keys(files) };
}

const BUILD_MJS = `// Builds the plugin with esbuild from the Lamina checkout (offline): dist/index.js (Node entry,
// CommonJS) and dist/view.js (browser script for the view). \`node build.mjs --test\` also builds
// and runs the tests in test/ with node:test.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const LAMINA_HOME = process.env.LAMINA_HOME ?? __LAMINA_HOME__;
const require = createRequire(join(LAMINA_HOME, 'package.json'));
const esbuild = require('esbuild');
const sdk = join(LAMINA_HOME, 'plugins', 'sdk', 'src');
const alias = {
  '@lamina/plugin-sdk/testing': join(sdk, 'testing.ts'),
  '@lamina/plugin-sdk': join(sdk, 'index.ts'),
};
// The host hands plugins its own TensorFlow.js: never bundle a second copy.
const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', alias, external: ['@tensorflow/tfjs'], logLevel: 'warning' };

await esbuild.build({ ...node, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' });
await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2020', entryPoints: ['src/view.ts'], outfile: 'dist/view.js', logLevel: 'warning' });

if (process.argv.includes('--test')) {
  const tests = readdirSync('test').filter((f) => f.endsWith('.test.ts'));
  await esbuild.build({ ...node, entryPoints: tests.map((f) => join('test', f)), outdir: 'dist/test' });
  const run = spawnSync(process.execPath, ['--test', ...tests.map((f) => join('dist', 'test', f.replace(/\\.ts$/, '.js')))], {
    stdio: 'inherit',
    // TensorFlow.js for the harness comes from the Lamina checkout too.
    env: { ...process.env, NODE_PATH: join(LAMINA_HOME, 'node_modules') },
  });
  process.exit(run.status ?? 1);
}
`;

const INDEX_TS = `import { definePlugin, type MetricInput } from '@lamina/plugin-sdk';

/** Mean of per-class recall: accuracy that a majority class cannot inflate. */
export function balancedAccuracy(input: MetricInput): number {
  const k = input.classes.length;
  const hits = new Array<number>(k).fill(0);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < input.n; i++) {
    const c = input.yTrue[i];
    counts[c]++;
    if (input.yPred[i] === c) hits[c]++;
  }
  const present = counts.map((n, c) => (n > 0 ? hits[c] / n : null)).filter((r): r is number => r !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
}

export default definePlugin({
  activate(ctx) {
    ctx.logger.info('loaded');
  },
  metrics: {
    __METRIC__: balancedAccuracy,
  },
});
`;

const VIEW_TS = `// Runs in a sandboxed iframe: no access to the app; ask for data through window.laminaView.
interface ViewApi {
  context: { viewId: string; runId: string | null };
  request(method: string, params: unknown): Promise<any>;
}
declare const laminaView: { register(id: string, render: (root: HTMLElement, view: ViewApi) => void | Promise<void>): void };

laminaView.register('summary', async (root, view) => {
  if (!view.context.runId) {
    root.textContent = 'No run selected.';
    return;
  }
  const detail = await view.request('getRun', { runId: view.context.runId });
  const h = document.createElement('h3');
  h.textContent = 'Run ' + detail.run.id.slice(0, 8) + ': ' + detail.run.status;
  const list = document.createElement('ul');
  for (const m of detail.metrics) {
    if (!m.key.startsWith('test_')) continue;
    const li = document.createElement('li');
    li.textContent = m.key + ' = ' + Number(m.last).toFixed(4);
    list.appendChild(li);
  }
  root.append(h, list);
});
`;

const TEMPLATE_TS = `/**
 * A model template shipped by a plugin. Lamina reads this file (it does not run the plugin's code
 * to list it) and treats it like any model source: the user can pick it, edit it and train it.
 */
import type { ModelContext, ModelMeta } from '@lamina/plugin-sdk';

export const meta: ModelMeta = {
  name: '__NAME__ MLP',
  description: 'Two dense layers with dropout.',
  tasks: ['classification', 'regression'],
};

export default function createModel(ctx: ModelContext) {
  const { tf } = ctx;
  const units = ctx.param('units', 32);
  const model = tf.sequential();
  // Dense layers want flat vectors: flatten images and sequences first.
  const flat = ctx.inputShape.length > 1;
  if (flat) model.add(tf.layers.flatten({ inputShape: ctx.inputShape }));
  model.add(tf.layers.dense({ units, activation: 'relu', ...(flat ? {} : { inputShape: ctx.inputShape }) }));
  model.add(tf.layers.dropout({ rate: ctx.param('dropout', 0.1) }));
  const classification = ctx.task === 'classification';
  model.add(tf.layers.dense({ units: classification ? ctx.numClasses : 1, activation: classification ? 'softmax' : 'linear' }));
  model.compile({
    optimizer: ctx.optimizer('adam', ctx.param('lr', 0.02)),
    loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : ['mae'],
  });
  return model;
}
`;

const TEST_TS = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTemplate, metricInputFrom, runMetric, seededRandom, tableDataset } from '@lamina/plugin-sdk/testing';
import plugin from '../src/index';
import createModel from '../templates/mlp';

test('__METRIC__ weighs every class equally', async () => {
  // 3 of class a (all right), 1 of class b (wrong): accuracy 0.75, balanced accuracy 0.5.
  const input = metricInputFrom([0, 0, 0, 1], [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4]], ['a', 'b']);
  assert.equal(await runMetric(plugin, '__METRIC__', input), 0.5);
});

test('the template learns two separable blobs', async () => {
  const rand = seededRandom(7);
  const rows: (number | string)[][] = [];
  for (let i = 0; i < 120; i++) {
    const c = i % 2;
    rows.push([c * 3 + rand(), c * 3 + rand(), c ? 'b' : 'a']);
  }
  const data = tableDataset({ columns: ['x1', 'x2', 'label'], rows }, { target: 'label' });
  const { metrics } = await fitTemplate(createModel, data, { epochs: 15, params: { dropout: 0 } });
  assert.ok(metrics.test_accuracy >= 0.9, 'test accuracy ' + metrics.test_accuracy);
});
`;

const README_MD = `# __NAME__

A Lamina plugin (id \`__ID__\`): a model template (\`__ID__-mlp\`), a metric (\`__METRIC__\`, stored on runs as
\`test___METRIC__\`) and a run view.

    npm run build      # or: node build.mjs      -> dist/index.js, dist/view.js
    npm test           # or: node build.mjs --test (headless, real TensorFlow.js)
    lamina plugin validate .
    lamina plugin install .
    lamina import sample:iris
    lamina train --dataset iris --model template:__ID__-mlp --epochs 30

\`lamina\` is the command a Lamina checkout puts on your PATH (\`npm run setup\`, or \`npm link\` after building).

The build uses esbuild from the Lamina checkout at __HOME__ (set LAMINA_HOME to use another).
See PLUGINS.md in the Lamina repository for the whole authoring guide.
`;
