import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import { laminaEditorTypes } from './src-main/build/editorTypesPlugin';
import { monacoTypeScriptOnly } from './src-main/build/monacoLanguagesPlugin';

/**
 * Three bundles:
 * - main: the Electron shell plus the Electron-free entry points that run under plain Node
 *   (the `lamina` CLI, the training host process). All dependencies stay external, so native
 *   modules (better-sqlite3, sharp, tfjs-node) and tfjs-backend-wasm's .wasm files resolve
 *   from node_modules at run time.
 * - preload: one sandbox-safe CommonJS file that requires nothing but `electron`.
 * - renderer: the Vue app, also served by `lamina serve`.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          app: resolve(__dirname, 'src-main/app/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          trainingHost: resolve(__dirname, 'src-main/core/engine/host/trainingHost.ts'),
        },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(__dirname, 'src-main/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    // Relative asset URLs: the same build loads from file:// (Electron) and from `lamina serve`.
    base: './',
    plugins: [vue(), laminaEditorTypes(__dirname), monacoTypeScriptOnly()],
    // Monaco's workers are ES modules that split into chunks.
    worker: { format: 'es' },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // Monaco and the editor's TensorFlow.js types are large, lazily loaded chunks.
      chunkSizeWarningLimit: 8000,
      // electron-vite leaves the renderer unminified by default; minified it is about half the bytes.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
