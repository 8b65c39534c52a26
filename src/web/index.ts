/** The web dashboard: `registerWeb(app, deps)` mounts the SPA, sessions, dashboard endpoints and live events. */
export type { EngineEvents, LiveEventType, Principal, Session, WebDeps } from './types.ts';
export { registerWeb, buildBundle, isReserved, keyAuthenticator, RESERVED_PREFIXES } from './server/index.ts';
export type { WebHandle } from './server/index.ts';
