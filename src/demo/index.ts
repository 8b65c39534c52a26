/** The one-command demo: server, emulated stores, seeded catalogue and load. */
export { startDemo } from './run.ts';
export { demoCatalogue, demoStores, staleLevel, DEMO_RULES } from './catalogue.ts';
export type * from './types.ts';
