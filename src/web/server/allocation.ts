/**
 * Explains a SKU's numbers the way the engine computes them: resolve each rule (SKU > category > global), build
 * the domain's SkuAllocationInput and run allocateSku. Used for the SKU table, the SKU page and the rules preview
 * (where proposed rule edits are laid over the saved ones before computing).
 */
import { allocateSku, resolveRuleWithScope, STRATEGIES } from '../../domain/index.ts';
import type {
  BufferRule,
  ReserveRule,
  RetailerAllocationInput,
  SkuAllocationResult,
  Strategy,
} from '../../domain/types.ts';
import type { RetailerRuleRow, RetailerSales, RuleRow } from '../../store/views/rules.ts';

export type RuleKind = RuleRow['kind'];
export type Scope = RuleRow['scope'];

export interface RuleEdit {
  scope: Scope;
  scopeKey: string;
  kind: RuleKind;
  /** null deletes the rule at that scope. */
  value: unknown;
}

export interface RetailerRuleEdit {
  retailerId: string;
  scope: Scope;
  scopeKey: string;
  floor?: number | null;
  ceiling?: number | null;
  tier?: number | null;
  excluded?: boolean | null;
}

export interface SkuFacts {
  sku: string;
  category: string | null;
  onHand: number;
  committed: number;
  held: number;
  velocity: number;
}

export interface Explained extends SkuAllocationResult {
  strategy: Strategy;
  threshold: number;
  rulesApplied: Partial<Record<RuleKind, { scope: Scope; value: unknown }>>;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function asReserve(v: unknown): ReserveRule | undefined {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (num(o.units) !== undefined) return { units: num(o.units)! };
    if (num(o.percent) !== undefined) return { percent: num(o.percent)! };
  }
  const n = num(v);
  return n === undefined ? undefined : { units: n };
}

/** Formula and table rules stored without measurements take the SKU's velocity and the measured delay. */
function asBuffer(v: unknown, velocity: number, delaySeconds: number): BufferRule | undefined {
  if (v === 'formula') return { formula: { velocity, syncDelaySeconds: delaySeconds } };
  if (v === 'table') return { table: { velocity, syncDelaySeconds: delaySeconds } };
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (num(o.percent) !== undefined) return { percent: num(o.percent)! };
  if (num(o.units) !== undefined) return { units: num(o.units)! };
  for (const k of ['formula', 'table'] as const) {
    if (k in o) {
      const m = (o[k] && typeof o[k] === 'object' ? o[k] : {}) as Record<string, unknown>;
      const measured = { velocity: num(m.velocity) ?? velocity, syncDelaySeconds: num(m.syncDelaySeconds) ?? delaySeconds };
      return k === 'formula' ? { formula: measured } : { table: measured };
    }
  }
  return undefined;
}

function asThreshold(v: unknown): number | undefined {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return num(o.units) ?? num(o.value) ?? num(o.threshold);
  }
  return num(v);
}

function asStrategy(v: unknown): Strategy | undefined {
  const s = v && typeof v === 'object' ? (v as Record<string, unknown>).strategy : v;
  return typeof s === 'string' && (STRATEGIES as readonly string[]).includes(s) ? (s as Strategy) : undefined;
}

/** Saved rules with proposed edits laid over them. */
export function applyRuleEdits(rules: readonly RuleRow[], edits: readonly RuleEdit[]): RuleRow[] {
  const key = (r: { scope: string; kind: string }, k: string) => `${r.scope}\u0000${k}\u0000${r.kind}`;
  const map = new Map(rules.map((r) => [key(r, r.scope_key), r]));
  for (const e of edits) {
    const k = key(e, e.scopeKey);
    if (e.value === null || e.value === undefined) map.delete(k);
    else map.set(k, { scope: e.scope, scope_key: e.scopeKey, kind: e.kind, value: e.value, updated_at: '' });
  }
  return [...map.values()];
}

export function applyRetailerRuleEdits(rows: readonly RetailerRuleRow[], edits: readonly RetailerRuleEdit[]): RetailerRuleRow[] {
  const key = (r: { retailer_id?: string; retailerId?: string; scope: string }, k: string) =>
    `${r.retailer_id ?? r.retailerId}\u0000${r.scope}\u0000${k}`;
  const map = new Map(rows.map((r) => [key(r, r.scope_key), r]));
  for (const e of edits) {
    const k = key(e, e.scopeKey);
    const prev = map.get(k);
    const next: RetailerRuleRow = {
      retailer_id: e.retailerId, scope: e.scope, scope_key: e.scopeKey,
      floor: e.floor !== undefined ? e.floor : (prev?.floor ?? null),
      ceiling: e.ceiling !== undefined ? e.ceiling : (prev?.ceiling ?? null),
      tier: e.tier !== undefined ? e.tier : (prev?.tier ?? null),
      excluded: e.excluded !== undefined ? e.excluded : (prev?.excluded ?? null),
    };
    map.set(k, next);
  }
  return [...map.values()];
}

export interface AllocationContext {
  rules: readonly RuleRow[];
  retailerRules: readonly RetailerRuleRow[];
  retailerIds: readonly string[];
  sales: readonly RetailerSales[];
  /** Worst measured sync delay of the connected stores, seconds. */
  delaySeconds: number;
  /** Days in the velocity window (28). */
  windowDays: number;
}

function pick<T>(rows: readonly T[], match: (r: T, scope: Scope, key: string) => boolean, sku: string, category: string | null) {
  return {
    sku: rows.find((r) => match(r, 'sku', sku)),
    category: category === null ? undefined : rows.find((r) => match(r, 'category', category)),
    global: rows.find((r) => match(r, 'global', '')),
  };
}

export function explainSku(facts: SkuFacts, ctx: AllocationContext): Explained {
  const applied: Explained['rulesApplied'] = {};
  const resolve = (kind: RuleKind) => {
    const found = resolveRuleWithScope(
      pick(ctx.rules, (r, s, k) => r.kind === kind && r.scope === s && r.scope_key === k, facts.sku, facts.category),
    );
    if (found) applied[kind] = { scope: found.scope, value: found.rule.value };
    return found?.rule.value;
  };
  const ownReserve = asReserve(resolve('own_reserve'));
  const buffer = asBuffer(resolve('buffer'), facts.velocity, ctx.delaySeconds);
  const threshold = asThreshold(resolve('threshold')) ?? 0;
  const strategy = asStrategy(resolve('strategy')) ?? 'hybrid';

  const retailers: RetailerAllocationInput[] = ctx.retailerIds.map((id) => {
    const mine = ctx.retailerRules.filter((r) => r.retailer_id === id);
    const scopes = pick(mine, (r, s, k) => r.scope === s && r.scope_key === k, facts.sku, facts.category);
    // Each setting resolves on its own, so a SKU ceiling does not drop the retailer's global floor.
    const field = <K extends 'floor' | 'ceiling' | 'tier' | 'excluded'>(f: K) =>
      scopes.sku?.[f] ?? scopes.category?.[f] ?? scopes.global?.[f] ?? undefined;
    const sale = ctx.sales.find((s) => s.sku === facts.sku && s.retailer_id === id);
    const input: RetailerAllocationInput = { id };
    const floor = field('floor'); if (floor != null) input.floor = floor;
    const ceiling = field('ceiling'); if (ceiling != null) input.ceiling = ceiling;
    const tier = field('tier'); if (tier != null) input.tier = tier;
    const excluded = field('excluded'); if (excluded != null) input.excluded = excluded;
    if (sale) { input.velocity = sale.units / ctx.windowDays; input.historyDays = sale.days; }
    return input;
  });

  const input = { onHand: facts.onHand, committed: facts.committed, held: facts.held, deactivationThreshold: threshold, strategy, retailers, ...(ownReserve ? { ownReserve } : {}), ...(buffer ? { buffer } : {}) };
  return { ...allocateSku(input), strategy, threshold, rulesApplied: applied };
}
