/** The HTTP API. */
export { buildApp, DEFAULT_BODY_LIMIT } from './app.ts';
export type { ApiMount, BuildAppOptions, Access } from './types.ts';
export { STATUS_BY_KIND } from './errors.ts';
