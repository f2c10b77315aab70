/**
 * A plugin view as one self-contained HTML document: a CSP that allows inline scripts and
 * nothing from the network, the SDK's view bridge, then the plugin's renderer script. The UI
 * puts it in `<iframe sandbox="allow-scripts" srcdoc=…>` (or serves it from its own URL with
 * the same CSP header) and answers the bridge's requests with attachViewBridge (SDK viewHost).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VIEW_BRIDGE_SCRIPT } from '../../../plugins/sdk/src/viewBridge';

export const VIEW_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

/** Inline script text must not close its own <script> element. */
function inlineScript(code: string): string {
  return `<script>\n${code.replace(/<\/(script)/gi, '<\\/$1')}\n</script>`;
}

export function viewDocument(opts: { pluginDir: string; renderer: string; title: string }): string {
  const renderer = readFileSync(join(opts.pluginDir, opts.renderer), 'utf8');
  const title = opts.title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${VIEW_CSP}">`,
    `<title>${title}</title>`,
    // The bridge sets <html data-theme> from the app's theme (plugin API 1.2): dark views by default in dark mode.
    '<style>html,body{margin:0;font:13px system-ui,sans-serif;color:#222}#lamina-view-root{padding:8px}html[data-theme="dark"],html[data-theme="dark"] body{background:#18181c;color:#e6e6e6}</style>',
    '</head><body><div id="lamina-view-root"></div>',
    inlineScript(VIEW_BRIDGE_SCRIPT),
    inlineScript(renderer),
    '</body></html>',
  ].join('\n');
}
