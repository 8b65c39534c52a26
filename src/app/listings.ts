/** Listings: a SKU mapped to one item of one store. Creating or removing one recomputes that SKU. */
import { DropsyncError, invalid } from '../domain/errors.ts';
import { createListing, deleteListing, normaliseSku } from '../store/admin/index.ts';
import type { Listing, ListingInput } from '../store/admin/types.ts';
import type { Db } from '../store/types.ts';
import { visibleStore } from './stores.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

/** The most listings one call may create. */
export const MAX_LISTINGS_PER_BATCH = 1000;

export interface ItemResult<T> {
  index: number;
  ok: boolean;
  listing?: T;
  error?: { kind: string; message: string; field: string };
}

/** A retailer maps items of its own stores only; other stores look unknown (naming `field`). */
async function assertOwnStore(db: Db, actor: Actor, storeId: string, field: string): Promise<void> {
  if (actor.retailerId === null) return;
  await visibleStore(db, actor, storeId).catch(() => { throw invalid(field, `no store "${storeId}"`); });
}

async function create(db: Db, actor: Actor, input: ListingInput, at: Date): Promise<Listing> {
  await assertOwnStore(db, actor, input.storeId, 'storeId');
  return createListing(db, actor.supplierId, { ...input, sku: normaliseSku(input.sku) }, at);
}

/** `err.message` without its `field: ` prefix (the field goes beside it). */
export function bareMessage(err: DropsyncError): string {
  return err.field && err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
}

export function listingCommands(deps: AppDeps) {
  return {
    async create(actor: Actor, input: ListingInput): Promise<Listing> {
      return transact(deps, actor.supplierId, async (w) => {
        const listing = await create(w.tx, actor, input, w.at);
        await w.recompute([listing.sku]);
        return listing;
      });
    },

    /**
     * Creates each listing on its own terms: an unknown store or SKU, or a duplicate, fails that item only
     * (its result names `listings[i].field`). One transaction and one recompute cover every listing created.
     */
    async createMany(actor: Actor, items: readonly ListingInput[]): Promise<{ created: number; failed: number; results: ItemResult<Listing>[] }> {
      if (items.length > MAX_LISTINGS_PER_BATCH) throw invalid('listings', `must have at most ${MAX_LISTINGS_PER_BATCH} items`);
      return transact(deps, actor.supplierId, async (w) => {
        const results: ItemResult<Listing>[] = [];
        const skus = new Set<string>();
        for (const [index, item] of items.entries()) {
          try {
            const listing = await create(w.tx, actor, item, w.at);
            skus.add(listing.sku);
            results.push({ index, ok: true, listing });
          } catch (err) {
            if (!(err instanceof DropsyncError)) throw err;
            results.push({ index, ok: false, error: { kind: err.kind, message: bareMessage(err), field: err.field ? `listings[${index}].${err.field}` : `listings[${index}]` } });
          }
        }
        await w.recompute([...skus]);
        const created = results.filter((r) => r.ok).length;
        return { created, failed: results.length - created, results };
      });
    },

    /** The store item stops being managed; the SKU is recomputed for the other stores. */
    async remove(actor: Actor, id: string): Promise<void> {
      await transact(deps, actor.supplierId, async (w) => {
        const listing = await deleteListing(w.tx, actor.supplierId, id);
        await w.recompute([listing.sku]);
      });
    },
  };
}
