import { DropsyncError } from '../../domain/errors.ts';
import type { Platform } from '../../connectors/types.ts';
import type { Db } from '../types.ts';
import type { Store, StoreInput } from './types.ts';
import { iso, isoOrNull, newId, theRow } from './util.ts';

interface StoreDbRow {
  id: string; retailer_id: string; platform: Platform; name: string; config: Record<string, unknown>; has_credentials: boolean;
  paused: boolean; health: string; last_push_at: Date | null; last_error: string | null; created_at: Date;
  access_status: Store['access']; access_reason: string | null; webhook_state: Store['webhooks']; webhook_checked_at: Date | null;
}

// The credentials column is never selected here: what is not read cannot leak into a response.
const COLUMNS = `id, retailer_id, platform, name, config, credentials is not null as has_credentials, paused, health,
                 last_push_at, last_error, created_at, access_status, access_reason, webhook_state, webhook_checked_at`;

const toStore = (r: StoreDbRow): Store => ({
  id: r.id, retailerId: r.retailer_id, platform: r.platform, name: r.name, config: r.config ?? {},
  hasCredentials: r.has_credentials, paused: r.paused, health: r.health, lastPushAt: isoOrNull(r.last_push_at),
  lastError: r.last_error, createdAt: iso(r.created_at),
  access: r.access_status, accessReason: r.access_reason, webhooks: r.webhook_state ?? null, webhooksCheckedAt: isoOrNull(r.webhook_checked_at),
});

export async function listStores(db: Db, supplierId: string, retailerId?: string | null): Promise<Store[]> {
  const rows = await db.query<StoreDbRow>(
    `select ${COLUMNS} from stores where supplier_id = $1 and ($2::text is null or retailer_id = $2) order by created_at, id`,
    [supplierId, retailerId ?? null],
  );
  return rows.map(toStore);
}

/** One store of the supplier; with `retailerId`, only if it belongs to that retailer (else not found). */
export async function getStore(db: Db, supplierId: string, id: string, retailerId?: string | null): Promise<Store> {
  const rows = await db.query<StoreDbRow>(
    `select ${COLUMNS} from stores where supplier_id = $1 and id = $2 and ($3::text is null or retailer_id = $3)`,
    [supplierId, id, retailerId ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no store "${id}"`, 'id');
  return toStore(rows[0]);
}

export async function createStore(db: Db, supplierId: string, input: StoreInput, at: Date): Promise<Store> {
  return db.transaction(async (tx) => {
    const retailer = await tx.query(`select 1 from retailers where supplier_id = $1 and id = $2`, [supplierId, input.retailerId]);
    if (retailer.length === 0) throw new DropsyncError('invalid', `no retailer "${input.retailerId}"`, 'retailerId');
    const rows = await tx.query<StoreDbRow>(
      `insert into stores (id, supplier_id, retailer_id, platform, name, config, credentials, created_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) returning ${COLUMNS}`,
      [newId('sto'), supplierId, input.retailerId, input.platform, input.name, JSON.stringify(input.config ?? {}), input.sealedCredentials ?? null, at],
    );
    return toStore(theRow(rows, 'insert into stores'));
  });
}

/** Name, config and sealed credentials (undefined: unchanged; credentials null: removed). */
export async function updateStore(
  db: Db,
  supplierId: string,
  id: string,
  patch: { name?: string; config?: Record<string, unknown>; sealedCredentials?: string | null },
): Promise<Store> {
  const rows = await db.query<StoreDbRow>(
    `update stores set name = coalesce($3, name), config = coalesce($4::jsonb, config),
            credentials = case when $5 then $6 else credentials end
      where supplier_id = $1 and id = $2 returning ${COLUMNS}`,
    [supplierId, id, patch.name ?? null, patch.config ? JSON.stringify(patch.config) : null,
      patch.sealedCredentials !== undefined, patch.sealedCredentials ?? null],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no store "${id}"`, 'id');
  return toStore(rows[0]);
}

/** Paused stores keep their desired quantities up to date but are not pushed to. */
export async function setStorePaused(db: Db, supplierId: string, id: string, paused: boolean, at: Date): Promise<Store> {
  const rows = await db.query<StoreDbRow>(
    `update stores set paused = $3, next_attempt_at = case when $3 then next_attempt_at else $4 end
      where supplier_id = $1 and id = $2 returning ${COLUMNS}`,
    [supplierId, id, paused, at],
  );
  if (!rows[0]) throw new DropsyncError('not_found', `no store "${id}"`, 'id');
  return toStore(rows[0]);
}

/** The sealed credentials, for the engine's connector factory only. */
export async function getSealedCredentials(db: Db, storeId: string): Promise<string | null> {
  const rows = await db.query<{ credentials: string | null }>(`select credentials from stores where id = $1`, [storeId]);
  return rows[0]?.credentials ?? null;
}

/** A store that has orders is kept for the record (pause it instead); otherwise it goes with its listings. */
export async function deleteStore(db: Db, supplierId: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await getStore(tx, supplierId, id);
    const orders = await tx.query(`select 1 from orders where store_id = $1 limit 1`, [id]);
    if (orders.length > 0) throw new DropsyncError('conflict', `store "${id}" has orders; pause it instead`, 'id');
    await tx.query(`delete from desired where store_id = $1`, [id]);
    await tx.query(`delete from listings where store_id = $1`, [id]);
    await tx.query(`delete from webhook_deliveries where store_id = $1`, [id]);
    await tx.query(`delete from holds where store_id = $1 and status <> 'active'`, [id]);
    const active = await tx.query(`select 1 from holds where store_id = $1 limit 1`, [id]);
    if (active.length > 0) throw new DropsyncError('conflict', `store "${id}" has active holds; release them first`, 'id');
    await tx.query(`delete from stores where id = $1`, [id]);
  });
}
