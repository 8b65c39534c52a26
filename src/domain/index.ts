/** The pure domain core: quantities, allocation, buffers, calculators, durations and input validation. */
export * from './types.ts';
export { DropsyncError, invalid } from './errors.ts';
export type { ErrorKind } from './errors.ts';
export { allocateSku } from './quantities.ts';
export { allocate, NEW_RETAILER_DAYS } from './allocate.ts';
export { largestRemainder } from './largest-remainder.ts';
export {
  BUFFER_TABLE,
  bufferAdvice,
  ceilPercent,
  computeBuffer,
  formulaPercent,
  resolveRule,
  resolveRuleWithScope,
  roundUpToFive,
  syncClass,
  tablePercent,
  velocityClass,
} from './buffers.ts';
export type { BufferAdvice, BufferOutcome, RuleScope, ScopedRules } from './buffers.ts';
export {
  DEFAULT_OVERSELL_COST,
  SYNC_LEVELS,
  fullSyncPlan,
  oversellCost,
  phantomExposure,
  syncLevel,
} from './calculators.ts';
export type { FullSyncInput, FullSyncPlan, OversellCost, OversellCostInput, SyncLevelInfo } from './calculators.ts';
export { formatDuration, parseDuration } from './duration.ts';
export {
  validateAllocationInput,
  validateBufferRule,
  validateReserveRule,
  validateRetailer,
  validateRetailers,
  validateStrategy,
} from './validate.ts';
export { seededRng, randomInt, randomHex, type Rng } from './random.ts';
