/**
 * Vite plugin: Monaco with TypeScript (and JavaScript) only. `monaco-editor`'s entry registers ~80
 * Monarch languages (one lazily loaded chunk each) and the CSS, HTML and JSON language services with
 * their workers; model sources are TypeScript, so those imports resolve to an empty module. The
 * editor, its contributions, the TypeScript language service and its worker are untouched.
 */
import type { Plugin } from 'vite';

const EMPTY = '\0lamina-monaco-empty';
/** Monarch definitions of languages other than typescript/javascript, and the css/html/json services. */
const DROPPED = [/languages\/definitions\/(?!typescript\/|javascript\/)[^/]+\/register\.js$/, /languages\/features\/(?:css|html|json)\/register\.js$/];

export function isDroppedMonacoImport(source: string, importer: string | undefined): boolean {
  return !!importer && /[\\/]monaco-editor[\\/]/.test(importer) && DROPPED.some((re) => re.test(source));
}

export function monacoTypeScriptOnly(): Plugin {
  return {
    name: 'lamina-monaco-typescript-only',
    enforce: 'pre',
    resolveId: (source, importer) => (isDroppedMonacoImport(source, importer) ? EMPTY : null),
    load: (id) => (id === EMPTY ? 'export {};' : null),
  };
}
