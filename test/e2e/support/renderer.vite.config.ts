/**
 * The renderer section of electron.vite.config.ts as a plain Vite config, so the UI can be
 * built alone (`npx vite build -c test/e2e/support/renderer.vite.config.ts`) — faster than a
 * full `electron-vite build` when only the renderer changed. Same options, one source.
 */
import config from '../../../electron.vite.config';

const full = config as unknown as { renderer: Record<string, unknown> };
export default { ...full.renderer, mode: 'production' };
