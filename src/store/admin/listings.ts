import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import type { Listing, ListingInput } from './types.ts';
import { iso, newId } from './util.ts';

interface ListingDbRow {
  id: string; store_id: string; sku: string; external_id: string; external_location_id: string | null; created_at: Date;
}

const toListing = (r: ListingDbRow): Listing => ({
  id: r.id, storeId: r.store_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id, createdAt: iso(r.created_at),
});

export async function listListings(
  db: Db,
  supplierId: string,
  q: { storeId?: string; sku?: string; retailerId?: string | null; after?: string; limit: number },
): Promise<Listing[]> {
  const rows = await db.query<ListingDbRow>(
    `select l.* from listings l join stores s on s.id = l.store_id
      where l.supplier_id = $1 and ($2::text is null or l.store_id = $2) and ($3::text is null or l.sku = $3)
        and ($4::text is null or s.retailer_id = $4) and ($5::text is null or l.id > $5)
      order by l.id limit $6`,
    [supplierId, q.storeId ?? null, q.sku ?? null, q.retailerId ?? null, q.after ?? null, q.limit],
  );
  return rows.map(toListing);
}

export async function getListing(db: Db, supplierId: string, id: string, retailerId?: string | null): Promise<Listing> {
  const rows = await db.query<ListingDbRow>(
    `select l.* from listings l join stores s on s.id = l.store_id
      where l.supplier_id = $1 and l.id = $2 and ($3::text is null or s.retailer_id = $3)`,
    [supplierId, id, retailerId ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no listing "${id}"`, 'id');
  return toListing(rows[0]);
}

/**
 * Maps a SKU to a store item. The SKU and store must exist; one listing per (store, sku) and per (store,
 * externalId). A refusal never fails a statement, so a caller creating many listings in one transaction can
 * report it for that item and go on.
 */
export async function createListing(db: Db, supplierId: string, input: ListingInput, at: Date): Promise<Listing> {
  return db.transaction(async (tx) => {
    const store = await tx.query(`select 1 from stores where supplier_id = $1 and id = $2`, [supplierId, input.storeId]);
    if (store.length === 0) throw invalid('storeId', `no store "${input.storeId}"`);
    const sku = await tx.query(`select 1 from skus where supplier_id = $1 and sku = $2`, [supplierId, input.sku]);
    if (sku.length === 0) throw invalid('sku', `no SKU "${input.sku}" (create it first)`);
    const rows = await tx.query<ListingDbRow>(
      `insert into listings (id, supplier_id, store_id, sku, external_id, external_location_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing returning *`,
      [newId('lst'), supplierId, input.storeId, input.sku, input.externalId, input.externalLocationId ?? null, at],
    );
    if (rows[0]) return toListing(rows[0]);
    const taken = await tx.query<{ same_sku: boolean }>(
      `select sku = $2 as same_sku from listings where store_id = $1 and (sku = $2 or external_id = $3) order by (sku = $2) desc limit 1`,
      [input.storeId, input.sku, input.externalId],
    );
    if (taken[0]?.same_sku) throw new DropsyncError('conflict', `SKU "${input.sku}" is already listed on this store`, 'sku');
    throw new DropsyncError('conflict', `store item "${input.externalId}" is already mapped`, 'externalId');
  });
}

/** Removes a listing and its desired-state row; the store item simply stops being managed. */
export async function deleteListing(db: Db, supplierId: string, id: string): Promise<Listing> {
  return db.transaction(async (tx) => {
    const listing = await getListing(tx, supplierId, id);
    await tx.query(`delete from desired where listing_id = $1`, [id]);
    await tx.query(`delete from drift where listing_id = $1`, [id]);
    await tx.query(`delete from listings where id = $1`, [id]);
    return listing;
  });
}

/** The SKUs listed on a store: what a change to the store can move. */
export async function skusListedOn(db: Db, storeId: string): Promise<string[]> {
  return (await db.query<{ sku: string }>(`select distinct sku from listings where store_id = $1`, [storeId])).map((r) => r.sku);
}
