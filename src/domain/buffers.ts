/**
 * Buffers: units held back from retailers after the own-channel reserve, so stock moving between
 * two syncs does not oversell. Also the velocity and sync classes of the recommendation table, and scope
 * resolution (SKU > category > global) for any kind of rule.
 */
import type { BufferRule, SyncClass, VelocityClass } from './types.ts';

/** Float noise guard for "round up" (e.g. 300 x 7 / 100 must stay 21, not become 22). */
const EPSILON = 1e-9;

/** ceil(amount x percent / 100), robust to float noise. */
export function ceilPercent(amount: number, percent: number): number {
  return Math.max(0, Math.ceil((amount * percent) / 100 - EPSILON));
}

/** Real-time up to 5 s, hourly up to 1 h, daily beyond. */
export function syncClass(delaySeconds: number): SyncClass {
  if (delaySeconds <= 5) return 'realtime';
  if (delaySeconds <= 3600) return 'hourly';
  return 'daily';
}

/** slow < 1/day; medium 1 to 10 inclusive; fast above 10 up to 50 inclusive; high above 50. */
export function velocityClass(unitsPerDay: number): VelocityClass {
  if (unitsPerDay < 1) return 'slow';
  if (unitsPerDay <= 10) return 'medium';
  if (unitsPerDay <= 50) return 'fast';
  return 'high';
}

/** The recommendation table: buffer percent by velocity class and sync class; null = not viable (deactivate and warn). */
export const BUFFER_TABLE: Readonly<Record<VelocityClass, Readonly<Record<SyncClass, number | null>>>> = {
  slow: { daily: 10, hourly: 5, realtime: 2 },
  medium: { daily: 20, hourly: 10, realtime: 5 },
  fast: { daily: 35, hourly: 15, realtime: 5 },
  high: { daily: null, hourly: 25, realtime: 10 },
};

export function tablePercent(unitsPerDay: number, delaySeconds: number): number | null {
  return BUFFER_TABLE[velocityClass(unitsPerDay)][syncClass(delaySeconds)];
}

/**
 * The formula: velocity x delay(days) / stock x 100. With no stock, any expected sale is a total loss: 100.
 */
export function formulaPercent(unitsPerDay: number, delaySeconds: number, stock: number): number {
  const exposure = unitsPerDay * (delaySeconds / 86400);
  if (exposure <= 0) return 0;
  if (stock <= 0) return 100;
  return (exposure / stock) * 100;
}

/** Rounds up to the next multiple of 5 (0 stays 0, 5 stays 5), at most 100. */
export function roundUpToFive(percent: number): number {
  if (percent <= 0) return 0;
  return Math.min(100, Math.ceil(percent / 5 - EPSILON) * 5);
}

export interface BufferOutcome {
  /** Units held back, at most `afterReserve`. */
  units: number;
  /** The percent applied, when the rule is percent based and viable. */
  percent: number | undefined;
  /** The table says this velocity cannot be sold safely at this sync delay. */
  notViable: boolean;
}

/**
 * Buffer units for `afterReserve` units. `stock` is what the formula divides by: the SKU's available stock
 * (max(0, atp)), as in the "200 units" example (15/day, 4 h: 1.25%, rounded up to 5%).
 */
export function computeBuffer(rule: BufferRule | undefined, afterReserve: number, stock: number): BufferOutcome {
  if (!rule) return { units: 0, percent: undefined, notViable: false };
  let percent: number | null;
  if ('units' in rule) return { units: Math.min(rule.units, afterReserve), percent: undefined, notViable: false };
  if ('percent' in rule) percent = rule.percent;
  else if ('formula' in rule) percent = roundUpToFive(formulaPercent(rule.formula.velocity, rule.formula.syncDelaySeconds, stock));
  else percent = tablePercent(rule.table.velocity, rule.table.syncDelaySeconds);
  if (percent === null) return { units: 0, percent: undefined, notViable: true };
  return { units: Math.min(ceilPercent(afterReserve, percent), afterReserve), percent, notViable: false };
}

export interface BufferAdvice {
  velocityClass: VelocityClass;
  syncClass: SyncClass;
  /** The formula's exact percent. */
  formulaPercent: number;
  /** Rounded up to the next multiple of 5. */
  roundedPercent: number;
  bufferUnits: number;
  shown: number;
  /** The table's percent; null = not viable. */
  tablePercent: number | null;
  tableBufferUnits: number | null;
  tableShown: number | null;
}

/** Everything `dropsync buffer` prints for one SKU: the formula's answer and the table's, side by side. */
export function bufferAdvice(stock: number, unitsPerDay: number, delaySeconds: number): BufferAdvice {
  const exact = formulaPercent(unitsPerDay, delaySeconds, stock);
  const rounded = roundUpToFive(exact);
  const bufferUnits = Math.min(stock, ceilPercent(stock, rounded));
  const table = tablePercent(unitsPerDay, delaySeconds);
  const tableBufferUnits = table === null ? null : Math.min(stock, ceilPercent(stock, table));
  return {
    velocityClass: velocityClass(unitsPerDay),
    syncClass: syncClass(delaySeconds),
    formulaPercent: exact,
    roundedPercent: rounded,
    bufferUnits,
    shown: stock - bufferUnits,
    tablePercent: table,
    tableBufferUnits,
    tableShown: tableBufferUnits === null ? null : stock - tableBufferUnits,
  };
}

export type RuleScope = 'sku' | 'category' | 'global';

/** Rules at each scope; any may be missing. */
export interface ScopedRules<T> {
  sku?: T | undefined;
  category?: T | undefined;
  global?: T | undefined;
}

/** The SKU's rule, else its category's, else the global one, else undefined. */
export function resolveRule<T>(scopes: ScopedRules<T>): T | undefined {
  return scopes.sku ?? scopes.category ?? scopes.global;
}

/** Like resolveRule, also saying which scope won (for explaining a number on the dashboard). */
export function resolveRuleWithScope<T>(scopes: ScopedRules<T>): { rule: T; scope: RuleScope } | undefined {
  if (scopes.sku !== undefined && scopes.sku !== null) return { rule: scopes.sku, scope: 'sku' };
  if (scopes.category !== undefined && scopes.category !== null) return { rule: scopes.category, scope: 'category' };
  if (scopes.global !== undefined && scopes.global !== null) return { rule: scopes.global, scope: 'global' };
  return undefined;
}
