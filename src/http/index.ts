/** The HTTP API. */
export { buildApp, DEFAULT_BODY_LIMIT } from './app.ts';
export type { BuildAppOptions, Access } from './types.ts';
export type { HttpEngine } from './engine-port.ts';
export { STATUS_BY_KIND } from './errors.ts';
