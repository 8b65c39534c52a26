/**
 * Reads stored rule values (JSON, written by the HTTP layer) into the domain's rule types, leniently, and
 * resolves scope: SKU rule, else category rule, else global rule. Per-retailer settings resolve field by field.
 */
import type { BufferRule, ReserveRule, RetailerAllocationInput, Strategy } from '../domain/types.ts';
import { STRATEGIES } from '../domain/types.ts';
import type { RetailerRuleRow, RuleRow } from '../store/ops/allocation-inputs.ts';

type Scoped<T> = { global?: T; category: Map<string, T>; sku: Map<string, T> };
const scoped = <T>(): Scoped<T> => ({ category: new Map(), sku: new Map() });

function put<T>(s: Scoped<T>, scope: string, key: string, v: T): void {
  if (scope === 'global') s.global = v;
  else if (scope === 'category') s.category.set(key, v);
  else s.sku.set(key, v);
}
function pick<T>(s: Scoped<T>, sku: string, category: string | null): T | undefined {
  return s.sku.get(sku) ?? (category !== null ? s.category.get(category) : undefined) ?? s.global;
}

export type BufferKind = { percent: number } | { units: number } | { formula: true } | { table: true };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
}
function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

export function parseReserve(v: unknown): ReserveRule | undefined {
  if (num(v) !== undefined) return { units: num(v)! };
  const o = obj(v);
  if (num(o.units) !== undefined) return { units: num(o.units)! };
  if (num(o.percent) !== undefined) return { percent: num(o.percent)! };
  return undefined;
}
export function parseBuffer(v: unknown): BufferKind | undefined {
  if (v === 'formula') return { formula: true };
  if (v === 'table') return { table: true };
  const o = obj(v);
  if (num(o.units) !== undefined) return { units: num(o.units)! };
  if (num(o.percent) !== undefined) return { percent: num(o.percent)! };
  if (o.formula !== undefined && o.formula !== false) return { formula: true };
  if (o.table !== undefined && o.table !== false) return { table: true };
  if (o.kind === 'formula' || o.type === 'formula') return { formula: true };
  if (o.kind === 'table' || o.type === 'table') return { table: true };
  return undefined;
}
export function parseThreshold(v: unknown): number | undefined {
  if (num(v) !== undefined) return num(v);
  const o = obj(v);
  return num(o.units) ?? num(o.threshold) ?? num(o.value);
}
export function parseStrategy(v: unknown): Strategy | undefined {
  const s = typeof v === 'string' ? v : obj(v).strategy;
  return STRATEGIES.includes(s as Strategy) ? (s as Strategy) : undefined;
}

export interface SkuRules {
  ownReserve?: ReserveRule;
  buffer?: BufferKind;
  threshold: number;
  strategy: Strategy;
}

export interface RuleBook {
  forSku(sku: string, category: string | null): SkuRules;
  retailer(retailerId: string, sku: string, category: string | null): Omit<RetailerAllocationInput, 'velocity' | 'historyDays'>;
  /** True when some rule needs measured sync delay (formula/table buffers). */
  needsSyncDelay: boolean;
  /** True when some rule needs measured velocity (proportional strategy, formula/table buffers). */
  needsVelocity: boolean;
}

export function buildRuleBook(rules: readonly RuleRow[], retailerRules: readonly RetailerRuleRow[]): RuleBook {
  const reserve = scoped<ReserveRule>(), buffer = scoped<BufferKind>(), threshold = scoped<number>(), strategy = scoped<Strategy>();
  for (const r of rules) {
    if (r.kind === 'own_reserve') { const v = parseReserve(r.value); if (v) put(reserve, r.scope, r.scope_key, v); }
    else if (r.kind === 'buffer') { const v = parseBuffer(r.value); if (v) put(buffer, r.scope, r.scope_key, v); }
    else if (r.kind === 'threshold') { const v = parseThreshold(r.value); if (v !== undefined) put(threshold, r.scope, r.scope_key, v); }
    else if (r.kind === 'strategy') { const v = parseStrategy(r.value); if (v) put(strategy, r.scope, r.scope_key, v); }
  }
  const perRetailer = new Map<string, Scoped<RetailerRuleRow>>();
  for (const r of retailerRules) {
    let s = perRetailer.get(r.retailer_id);
    if (!s) perRetailer.set(r.retailer_id, (s = scoped()));
    put(s, r.scope, r.scope_key, r);
  }
  let needsSyncDelay = false;
  for (const b of [buffer.global, ...buffer.category.values(), ...buffer.sku.values()]) {
    if (b && ('formula' in b || 'table' in b)) needsSyncDelay = true;
  }
  let needsVelocity = needsSyncDelay;
  for (const s of [strategy.global, ...strategy.category.values(), ...strategy.sku.values()]) if (s === 'proportional') needsVelocity = true;
  return {
    needsSyncDelay,
    needsVelocity,
    forSku(sku, category) {
      const out: SkuRules = { threshold: pick(threshold, sku, category) ?? 0, strategy: pick(strategy, sku, category) ?? 'hybrid' };
      const res = pick(reserve, sku, category);
      if (res) out.ownReserve = res;
      const buf = pick(buffer, sku, category);
      if (buf) out.buffer = buf;
      return out;
    },
    retailer(retailerId, sku, category) {
      const s = perRetailer.get(retailerId);
      const rows = s ? [s.sku.get(sku), category !== null ? s.category.get(category) : undefined, s.global] : [];
      const field = <K extends 'floor' | 'ceiling' | 'tier' | 'excluded'>(k: K): RetailerRuleRow[K] | undefined => {
        for (const row of rows) if (row && row[k] !== null && row[k] !== undefined) return row[k];
        return undefined;
      };
      const out: Omit<RetailerAllocationInput, 'velocity' | 'historyDays'> = { id: retailerId };
      const floor = field('floor'), ceiling = field('ceiling'), tier = field('tier'), excluded = field('excluded');
      if (floor != null) out.floor = floor;
      if (ceiling != null) out.ceiling = ceiling;
      if (tier != null) out.tier = tier;
      if (excluded != null) out.excluded = excluded;
      return out;
    },
  };
}

/** The domain buffer rule for one SKU, with measured velocity and sync delay filled in. */
export function toBufferRule(b: BufferKind | undefined, velocity: number, syncDelaySeconds: number): BufferRule | undefined {
  if (!b) return undefined;
  if ('formula' in b) return { formula: { velocity, syncDelaySeconds } };
  if ('table' in b) return { table: { velocity, syncDelaySeconds } };
  return b;
}
