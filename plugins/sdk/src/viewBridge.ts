/**
 * The script Lamina puts first in every plugin view document. A view runs in
 * `<iframe sandbox="allow-scripts">` (no allow-same-origin): an opaque origin that cannot read
 * the app's DOM, storage or globals. The only way out is `postMessage`, and this bridge wraps it:
 *
 *   window.laminaView.register('my-view', async (root, view) => {
 *     const run = await view.request('getRun', { runId: view.context.runId });
 *     root.textContent = run.run.status;
 *   });
 *
 * Messages (all tagged `lamina: 'view/1'`):
 *   view → host  { kind: 'ready' }                          once the bridge is installed
 *   host → view  { kind: 'init', context: { viewId, runId, datasetId, theme } }   (datasetId, theme: plugin API 1.2;
 *                the bridge also sets <html data-theme="light|dark"> so a view's CSS can follow the app)
 *   view → host  { kind: 'request', id, method, params }    methods: see ViewRequests in index.ts
 *   host → view  { kind: 'response', id, result } | { kind: 'response', id, error }
 *
 * It is plain JavaScript in a string so it can be inlined into the view document unchanged.
 */
import type { ViewContext, ViewRequests } from './index';

export const VIEW_PROTOCOL = 'view/1';

export interface ViewApi {
  readonly context: ViewContext;
  request<M extends keyof ViewRequests>(method: M, params: Parameters<ViewRequests[M]>[0]): Promise<ReturnType<ViewRequests[M]>>;
}

export interface LaminaViewGlobal {
  register(viewId: string, render: (root: HTMLElement, view: ViewApi) => void | Promise<void>): void;
  request: ViewApi['request'];
  context: Promise<ViewContext>;
}

export const VIEW_BRIDGE_SCRIPT = String.raw`(function () {
  'use strict';
  var TAG = 'view/1';
  var host = window.parent;
  var pending = new Map();
  var nextId = 1;
  var renders = new Map();
  var context = null;
  var resolveContext;
  var contextPromise = new Promise(function (r) { resolveContext = r; });
  function post(msg) { msg.lamina = TAG; host.postMessage(msg, '*'); }
  function request(method, params) {
    var id = nextId++;
    return new Promise(function (resolve, reject) {
      pending.set(id, { resolve: resolve, reject: reject });
      post({ kind: 'request', id: id, method: String(method), params: params === undefined ? null : params });
    });
  }
  function showError(root, err) {
    var pre = document.createElement('pre');
    pre.style.color = '#b00020';
    pre.textContent = 'view error: ' + (err && err.message ? err.message : String(err));
    root.appendChild(pre);
  }
  function mount() {
    if (!context) return;
    var render = renders.get(context.viewId);
    if (!render) return;
    renders.delete(context.viewId);
    var root = document.getElementById('lamina-view-root') || document.body;
    try {
      Promise.resolve(render(root, { context: context, request: request })).catch(function (e) { showError(root, e); });
    } catch (e) { showError(root, e); }
  }
  window.addEventListener('message', function (event) {
    if (event.source !== host) return;
    var m = event.data;
    if (!m || m.lamina !== TAG) return;
    if (m.kind === 'init' && !context) {
      context = Object.freeze({
        viewId: String(m.context.viewId),
        runId: m.context.runId == null ? null : String(m.context.runId),
        datasetId: m.context.datasetId == null ? null : String(m.context.datasetId),
        theme: m.context.theme === 'dark' ? 'dark' : 'light'
      });
      document.documentElement.setAttribute('data-theme', context.theme);
      resolveContext(context);
      mount();
    } else if (m.kind === 'response' && pending.has(m.id)) {
      var p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.reject(new Error(String(m.error))); else p.resolve(m.result);
    }
  });
  Object.defineProperty(window, 'laminaView', {
    value: Object.freeze({
      register: function (viewId, render) { renders.set(String(viewId), render); mount(); },
      request: request,
      context: contextPromise
    })
  });
  post({ kind: 'ready' });
})();`;
