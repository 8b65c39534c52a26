/** The SKU catalogue: create, update, delete, CSV import, and the full per-SKU view. */
import type { SkuView } from '../engine/types.ts';
import { createSku, deleteSku, importSkusCsv, updateSku, type SkuImportResult } from '../store/admin/index.ts';
import type { SkuInput, SkuRow } from '../store/admin/types.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export interface SkuPatch { name?: string | null; category?: string | null; listed?: boolean }

export function skuCommands(deps: AppDeps) {
  return {
    /** Creates a SKU (stock comes from stock events); `warnings` names existing SKUs that differ only in case. */
    async create(actor: Actor, input: SkuInput): Promise<{ sku: SkuRow; warnings: string[] }> {
      return transact(deps, actor.supplierId, async (w) => {
        const out = await createSku(w.tx, actor.supplierId, input, w.at);
        await w.recompute([out.sku.sku]);
        return out;
      });
    },

    /** Category decides which rules apply; listed decides whether stores are shown the SKU: both recompute it. */
    async update(actor: Actor, sku: string, patch: SkuPatch): Promise<SkuRow> {
      return transact(deps, actor.supplierId, async (w) => {
        const out = await updateSku(w.tx, actor.supplierId, sku, patch, w.at);
        await w.recompute([out.sku.sku]);
        return out.sku;
      });
    },

    /** Only a SKU with no history (stock, listings, orders, holds) can go; otherwise unlist it. */
    async remove(actor: Actor, sku: string): Promise<void> {
      await transact(deps, actor.supplierId, (w) => deleteSku(w.tx, actor.supplierId, sku));
    },

    /**
     * Imports `sku,name,category,listed` rows: a bad row is reported by line and field and changes nothing,
     * the good ones are written, and the SKUs written are recomputed, in one transaction.
     */
    async importCsv(actor: Actor, csv: string, onRow?: (done: number, total: number) => void): Promise<SkuImportResult> {
      return transact(deps, actor.supplierId, async (w) => {
        const result = await importSkusCsv(w.tx, actor.supplierId, csv, w.at, onRow);
        await w.recompute(result.skus);
        return result;
      });
    },

    /** Everything about one SKU: its quantities, shown/desired/confirmed per store, the newest ledger lines. */
    get(actor: Actor, sku: string, ledgerLimit?: number): Promise<SkuView> {
      return deps.engine.getSku(actor.supplierId, sku, ledgerLimit);
    },
  };
}
