/** SKU table, SKU page and rules preview: saved rows run through the same allocation the engine uses. */
import { bufferAdvice, invalid, validateReserveRule, validateStrategy, validateBufferRule } from '../../domain/index.ts';
import type { Clock } from '../../domain/types.ts';
import type { Db } from '../../store/types.ts';
import {
  applyRetailerRuleEdits,
  applyRuleEdits,
  explainSku,
  type AllocationContext,
  type RetailerRuleEdit,
  type RuleEdit,
  type SkuFacts,
} from './allocation.ts';
import { listRetailerRules, listRetailers, listRules, retailerSales } from '../../store/views/rules.ts';
import { findSku, listCategories, searchSkus, shownForSkus, skuDrift, skuLedger, skusNamedOrInCategory, type SkuRow } from '../../store/views/skus.ts';
import { listStores } from '../../store/views/stores.ts';
import { storeDelayMs } from './overview.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const WINDOW_DAYS = 28;
/** The preview shows at most this many SKUs. */
const PREVIEW_SKUS = 25;
const DAY_MS = 86_400_000;

function facts(r: SkuRow): SkuFacts {
  return { sku: r.sku, category: r.category, onHand: r.on_hand, committed: r.committed, held: r.held, velocity: Number(r.velocity) };
}

async function context(db: Db, clock: Clock, supplierId: string, skus: readonly string[]): Promise<AllocationContext> {
  const now = clock.now();
  const [rules, retailerRules, retailers, stores, sales] = await Promise.all([
    listRules(db, supplierId),
    listRetailerRules(db, supplierId),
    listRetailers(db, supplierId, null),
    listStores(db, supplierId, null, new Date(now - DAY_MS).toISOString()),
    retailerSales(db, supplierId, skus, new Date(now - WINDOW_DAYS * DAY_MS).toISOString().slice(0, 10)),
  ]);
  const delayMs = stores.filter((s) => !s.paused).reduce((m, s) => Math.max(m, storeDelayMs(s, now) ?? 0), 0);
  return { rules, retailerRules, retailerIds: retailers.map((r) => r.id), sales, delaySeconds: delayMs / 1000, windowDays: WINDOW_DAYS };
}

export async function skuTable(db: Db, clock: Clock, supplierId: string, search: string, limit: number, offset: number) {
  const rows = await searchSkus(db, supplierId, search, limit, offset);
  const names = rows.map((r) => r.sku);
  const [ctx, shown] = await Promise.all([context(db, clock, supplierId, names), shownForSkus(db, supplierId, names, null)]);
  return rows.map((r) => ({
    sku: r.sku,
    name: r.name,
    category: r.category,
    listed: r.listed,
    velocity: Number(r.velocity),
    ...explainSku(facts(r), ctx),
    stores: shown.filter((s) => s.sku === r.sku).map((s) => ({ storeId: s.store_id, storeName: s.store_name, retailerId: s.retailer_id, desired: s.desired, confirmed: s.confirmed })),
  }));
}

export async function skuPage(db: Db, clock: Clock, supplierId: string, sku: string) {
  const row = await findSku(db, supplierId, sku);
  if (!row) return null;
  const [ctx, shown, ledger, drift] = await Promise.all([
    context(db, clock, supplierId, [sku]),
    shownForSkus(db, supplierId, [sku], null),
    skuLedger(db, supplierId, sku, 300),
    skuDrift(db, supplierId, sku, 50),
  ]);
  const explained = explainSku(facts(row), ctx);
  const stock = Math.max(0, explained.atp);
  return {
    sku: row.sku, name: row.name, category: row.category, listed: row.listed, velocity: Number(row.velocity),
    ...explained,
    delaySeconds: ctx.delaySeconds,
    advice: bufferAdvice(stock, Number(row.velocity), ctx.delaySeconds),
    stores: shown,
    ledger,
    drift,
  };
}

export async function rulesPage(db: Db, supplierId: string) {
  const [rules, retailerRules, retailers] = await Promise.all([listRules(db, supplierId), listRetailerRules(db, supplierId), listRetailers(db, supplierId, null)]);
  return { rules, retailerRules, retailers, categories: await listCategories(db, supplierId) };
}

/** Validates a proposed rule value (the same checks the domain applies), naming the field on failure. */
export function validateEdit(e: RuleEdit, i: number): void {
  const field = `edits[${i}].value`;
  if (e.scope === 'global' && e.scopeKey !== '') throw invalid(`edits[${i}].scopeKey`, 'must be empty for global scope');
  if (e.scope !== 'global' && !e.scopeKey) throw invalid(`edits[${i}].scopeKey`, 'is required for category and sku scope');
  const { value } = e;
  if (value === null) return;
  const fields = isRecord(value) ? value : undefined;
  if (e.kind === 'own_reserve') validateReserveRule(value, field);
  else if (e.kind === 'strategy') validateStrategy(fields ? fields.strategy : value, field);
  else if (e.kind === 'threshold') {
    const v = fields ? fields.units : value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(field, 'must be a whole number >= 0');
  } else if (e.kind === 'buffer') {
    if (fields && ('formula' in fields || 'table' in fields)) return; // measured inputs are filled in
    validateBufferRule(value, field);
  }
}

export interface PreviewInput {
  edits: RuleEdit[];
  retailerEdits: RetailerRuleEdit[];
  skus?: string[];
  /** Preview the SKUs of this category (for category-scope edits). */
  category?: string;
  search?: string;
}

/** Allocation before and after the proposed edits, for up to 25 SKUs (those named, else the search's first). */
export async function preview(db: Db, clock: Clock, supplierId: string, input: PreviewInput) {
  input.edits.forEach(validateEdit);
  input.retailerEdits.forEach((e, i) => {
    for (const f of ['floor', 'ceiling', 'tier'] as const) {
      const v = e[f];
      if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) throw invalid(`retailerEdits[${i}].${f}`, 'must be a whole number >= 0');
    }
  });
  const rows = input.skus && input.skus.length > 0 ? await skusNamedOrInCategory(db, supplierId, { skus: input.skus }, PREVIEW_SKUS)
    : input.category !== undefined ? await skusNamedOrInCategory(db, supplierId, { category: input.category }, PREVIEW_SKUS)
      : await searchSkus(db, supplierId, input.search ?? '', PREVIEW_SKUS, 0);
  const ctx = await context(db, clock, supplierId, rows.map((r) => r.sku));
  const after: AllocationContext = {
    ...ctx,
    rules: applyRuleEdits(ctx.rules, input.edits),
    retailerRules: applyRetailerRuleEdits(ctx.retailerRules, input.retailerEdits),
  };
  const retailers = await listRetailers(db, supplierId, null);
  return {
    retailers: retailers.map((r) => ({ id: r.id, name: r.name })),
    skus: rows.map((r) => ({ sku: r.sku, category: r.category, before: explainSku(facts(r), ctx), after: explainSku(facts(r), after) })),
  };
}
