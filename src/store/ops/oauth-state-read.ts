import type { Db } from '../types.ts';

export interface OAuthStateRow {
  state: string; platform: string; shop: string; supplier_id: string | null; retailer_id: string | null; store_id: string | null;
  invite: string | null; expired: boolean; used: boolean;
}

/** An authorization request's state, with whether it expired or was used. */
export async function readOAuthState(db: Db, state: string, now: string): Promise<OAuthStateRow | undefined> {
  const rows = await db.query<OAuthStateRow>(
    `select state, platform, shop, supplier_id, retailer_id, store_id, invite, expires_at <= $2::timestamptz as expired, used_at is not null as used
     from oauth_states where state = $1`,
    [state, now],
  );
  return rows[0];
}
