import type { Db } from '../types.ts';

export interface OAuthStateInput {
  state: string;
  platform: string;
  shop: string;
  supplierId: string | null;
  retailerId: string | null;
  storeId: string | null;
  invite: string | null;
}

/** Records an authorization request's state until `expiresAt`. */
export async function insertOAuthState(db: Db, s: OAuthStateInput, at: string, expiresAt: string): Promise<void> {
  await db.query(
    `insert into oauth_states (state, platform, shop, supplier_id, retailer_id, store_id, invite, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::timestamptz, $9::timestamptz)`,
    [s.state, s.platform, s.shop, s.supplierId, s.retailerId, s.storeId, s.invite, at, expiresAt],
  );
}
