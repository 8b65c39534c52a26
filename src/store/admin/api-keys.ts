import { DropsyncError } from '../../domain/errors.ts';
import { generateApiKey, hashApiKey } from '../../security/keys.ts';
import type { Db } from '../types.ts';
import type { ApiKeyRow, Principal } from './types.ts';
import { iso, isoOrNull, newId, theRow } from './util.ts';

interface KeyDbRow {
  id: string; supplier_id: string; kind: 'admin' | 'retailer'; retailer_id: string | null;
  label: string | null; created_at: Date; revoked_at: Date | null;
}

function toRow(r: KeyDbRow): ApiKeyRow {
  return {
    id: r.id, supplierId: r.supplier_id, kind: r.kind, retailerId: r.retailer_id, label: r.label,
    createdAt: iso(r.created_at), revokedAt: isoOrNull(r.revoked_at),
  };
}

/**
 * Creates an admin key, or a retailer token when `retailerId` is given (the retailer must belong to the
 * supplier). Returns the plaintext key once; only its hash is stored.
 */
export async function createApiKey(
  db: Db,
  input: { supplierId: string; retailerId?: string | null; label?: string | null },
  at: Date,
): Promise<{ key: string; apiKey: ApiKeyRow }> {
  const kind = input.retailerId ? 'retailer' : 'admin';
  if (input.retailerId) {
    const found = await db.query(`select 1 from retailers where id = $1 and supplier_id = $2`, [input.retailerId, input.supplierId]);
    if (found.length === 0) throw new DropsyncError('not_found', `no retailer "${input.retailerId}"`, 'retailerId');
  }
  const key = generateApiKey(kind);
  const id = newId('key');
  const rows = await db.query<KeyDbRow>(
    `insert into api_keys (id, supplier_id, kind, retailer_id, key_hash, label, created_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [id, input.supplierId, kind, input.retailerId ?? null, hashApiKey(key), input.label ?? null, at],
  );
  return { key, apiKey: toRow(theRow(rows, 'insert into api_keys')) };
}

/** Resolves a bearer key to its principal by hash lookup; null for unknown or revoked keys. */
export async function findPrincipal(db: Db, key: string): Promise<Principal | null> {
  const rows = await db.query<KeyDbRow>(`select * from api_keys where key_hash = $1 and revoked_at is null`, [hashApiKey(key)]);
  const r = rows[0];
  return r ? { keyId: r.id, supplierId: r.supplier_id, kind: r.kind, retailerId: r.retailer_id } : null;
}

export async function listApiKeys(db: Db, supplierId: string, retailerId?: string): Promise<ApiKeyRow[]> {
  const rows = retailerId
    ? await db.query<KeyDbRow>(`select * from api_keys where supplier_id = $1 and retailer_id = $2 order by created_at, id`, [supplierId, retailerId])
    : await db.query<KeyDbRow>(`select * from api_keys where supplier_id = $1 order by created_at, id`, [supplierId]);
  return rows.map(toRow);
}

export async function revokeApiKey(db: Db, supplierId: string, keyId: string, at: Date): Promise<ApiKeyRow> {
  const rows = await db.query<KeyDbRow>(
    `update api_keys set revoked_at = coalesce(revoked_at, $3) where id = $1 and supplier_id = $2 returning *`,
    [keyId, supplierId, at],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no key "${keyId}"`, 'id');
  return toRow(rows[0]);
}

export async function countApiKeys(db: Db): Promise<number> {
  const rows = await db.query<{ n: number }>(`select count(*)::int as n from api_keys`);
  return rows[0]?.n ?? 0;
}
