import type { Db } from '../types.ts';

export interface ApiKeyRow {
  id: string;
  supplier_id: string;
  kind: 'admin' | 'retailer';
  retailer_id: string | null;
}

/** The unrevoked key with this SHA-256 hash, if any. */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `select id, supplier_id, kind, retailer_id from api_keys where key_hash = $1 and revoked_at is null`,
    [keyHash],
  );
  return rows[0];
}
