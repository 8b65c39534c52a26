/** The durable sync engine: ingest, orders, holds, recompute, dispatch, reconciliation. */
export type * from './types.ts';
export { createEngine } from './engine.ts';
export { createSupplier } from './supplier.ts';
export { engineMetrics } from './metrics.ts';
export { MAX_BATCH } from './ingest.ts';
export { HOLD_TTL_DEFAULT, HOLD_TTL_MAX, HOLD_TTL_MIN } from './holds.ts';
export { DEFAULT_OVERSELL_COST } from './orders.ts';
export { plainCredentials } from './connectors.ts';
export { DESIRED_CHANNEL } from '../store/ops/desired.ts';
export { DesiredChanges, HANDOFF_MAX } from './desired-changes.ts';
