/** The durable sync engine: ingest, orders, holds, recompute, dispatch, reconciliation (SPEC sections 3-8). */
export type * from './types.ts';
export { createEngine } from './engine.ts';
export { createSupplier } from './supplier.ts';
export { engineMetrics } from './metrics.ts';
export { MAX_BATCH } from './ingest.ts';
