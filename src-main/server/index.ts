export { startServer } from './server';
export type { ServerOptions, RunningServer } from './server';
