/**
 * Monaco, set up once and loaded lazily (it is the largest part of the bundle): its editor
 * and TypeScript workers are bundled through Vite `?worker` imports (same-origin, so the
 * strict CSP holds), and the TensorFlow.js + model-context types are loaded for completion
 * and hover.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

export type Monaco = typeof monaco;

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_id: string, label: string) {
    return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
  },
};

const ts = monaco.typescript;
ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  allowNonTsExtensions: true,
  strict: false,
  noEmit: true,
  esModuleInterop: true,
  lib: ['es2020'],
});
ts.typescriptDefaults.setEagerModelSync(true);

let typesLoaded: Promise<void> | null = null;
/** Load the tfjs declarations once, in the background; completion improves when they land. */
export function loadEditorTypes(): Promise<void> {
  typesLoaded ??= import('virtual:lamina-editor-types').then(({ default: files }) => {
    for (const [path, text] of Object.entries(files)) ts.typescriptDefaults.addExtraLib(text, path);
  });
  return typesLoaded;
}

export { monaco };
