export type { ColorizeWorkers } from './colorize-workers.js';
export { ThreadWorkers } from './thread-workers.js';
export type { ThreadWorkersOptions } from './thread-workers.js';
