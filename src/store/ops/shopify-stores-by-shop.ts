import type { Db } from '../types.ts';

export interface ShopStoreRow { id: string; supplier_id: string; retailer_id: string; credentials: string | null; config: Record<string, unknown> }

/** The Shopify stores connected to one shop (by config.shopDomain, case-insensitive). */
export async function findShopifyStoresByShop(db: Db, shop: string): Promise<ShopStoreRow[]> {
  return db.query<ShopStoreRow>(
    `select id, supplier_id, retailer_id, credentials, config from stores
     where platform = 'shopify' and lower(config->>'shopDomain') = lower($1) order by created_at, id`,
    [shop],
  );
}
