/**
 * The host page's half of the view bridge (for the Lamina UI, and for authors' previews):
 * answers a sandboxed view iframe's requests with the handlers given, and only for that
 * iframe (messages are matched by `event.source`, since a sandboxed frame's origin is "null").
 */
import type { ViewContext, ViewRequests } from './index';
import { VIEW_PROTOCOL } from './viewBridge';

export type ViewHandlers = { [M in keyof ViewRequests]?: (params: Parameters<ViewRequests[M]>[0]) => unknown };

/** `sandbox` value for view iframes: scripts, nothing else (never allow-same-origin). */
export const VIEW_IFRAME_SANDBOX = 'allow-scripts';

export function attachViewBridge(iframe: HTMLIFrameElement, context: ViewContext, handlers: ViewHandlers): () => void {
  const target = () => iframe.contentWindow;
  const post = (msg: Record<string, unknown>) => target()?.postMessage({ lamina: VIEW_PROTOCOL, ...msg }, '*');
  const onMessage = async (event: MessageEvent) => {
    if (event.source === null || event.source !== target()) return;
    const m = event.data as { lamina?: string; kind?: string; id?: number; method?: string; params?: unknown };
    if (!m || m.lamina !== VIEW_PROTOCOL) return;
    if (m.kind === 'ready') {
      post({ kind: 'init', context });
      return;
    }
    if (m.kind !== 'request' || typeof m.id !== 'number') return;
    const handler = Object.prototype.hasOwnProperty.call(handlers, m.method ?? '') ? (handlers as Record<string, (p: unknown) => unknown>)[m.method!] : undefined;
    if (!handler) {
      post({ kind: 'response', id: m.id, error: `unknown request "${m.method}"` });
      return;
    }
    try {
      // Structured clone copies the answer: the view never holds a live reference to app objects.
      post({ kind: 'response', id: m.id, result: JSON.parse(JSON.stringify((await handler(m.params)) ?? null)) });
    } catch (e) {
      post({ kind: 'response', id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}
