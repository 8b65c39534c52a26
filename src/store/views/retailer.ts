import type { Db } from '../types.ts';

export interface AllocationRow {
  store_id: string;
  store_name: string;
  platform: string;
  sku: string;
  name: string | null;
  desired: number;
  confirmed: number | null;
  confirmed_at: string | null;
}

/** A retailer's own allocations: what each of its stores is to show per SKU, and what the store confirmed. */
export async function retailerAllocations(db: Db, supplierId: string, retailerId: string, search: string, limit: number): Promise<AllocationRow[]> {
  return db.query<AllocationRow>(
    `select s.id as store_id, s.name as store_name, s.platform, d.sku, k.name, d.desired, d.confirmed, d.confirmed_at
       from stores s
       join desired d on d.store_id = s.id
       left join skus k on k.supplier_id = d.supplier_id and k.sku = d.sku
      where s.supplier_id = $1 and s.retailer_id = $2 and ($3 = '' or d.sku ilike '%' || $3 || '%')
      order by d.sku, s.name limit $4`,
    [supplierId, retailerId, search, limit],
  );
}
