import { DropsyncError } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import type { Location } from './types.ts';
import { isUniqueViolation, theRow } from './util.ts';

export async function listLocations(db: Db, supplierId: string): Promise<Location[]> {
  return db.query<Location>(`select id, name, shared from locations where supplier_id = $1 order by id`, [supplierId]);
}

export async function getLocation(db: Db, supplierId: string, id: string): Promise<Location> {
  const rows = await db.query<Location>(`select id, name, shared from locations where supplier_id = $1 and id = $2`, [supplierId, id]);
  if (!rows[0]) throw new DropsyncError('not_found', `no location "${id}"`, 'id');
  return rows[0];
}

export async function createLocation(db: Db, supplierId: string, input: Location): Promise<Location> {
  try {
    await db.query(`insert into locations (supplier_id, id, name, shared) values ($1, $2, $3, $4)`, [supplierId, input.id, input.name, input.shared]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new DropsyncError('conflict', `location "${input.id}" already exists`, 'id');
    throw err;
  }
  return input;
}

/** Several locations at once (a new supplier's). */
export async function createLocations(db: Db, supplierId: string, locations: readonly Location[]): Promise<void> {
  await db.query(
    `insert into locations (supplier_id, id, name, shared) select $1, u.i, u.n, u.s from unnest($2::text[], $3::text[], $4::bool[]) u(i, n, s)`,
    [supplierId, locations.map((l) => l.id), locations.map((l) => l.name), locations.map((l) => l.shared)],
  );
}

/**
 * Updates name and/or shared. Changing `shared` changes which units count toward onHand, so the SKU totals at
 * that location are recomputed in the same transaction; returns the SKUs whose onHand changed.
 */
export async function updateLocation(
  db: Db,
  supplierId: string,
  id: string,
  patch: { name?: string; shared?: boolean },
  at: Date,
): Promise<{ location: Location; changedSkus: string[] }> {
  return db.transaction(async (tx) => {
    const before = await getLocation(tx, supplierId, id);
    const rows = await tx.query<Location>(
      `update locations set name = coalesce($3, name), shared = coalesce($4, shared) where supplier_id = $1 and id = $2
       returning id, name, shared`,
      [supplierId, id, patch.name ?? null, patch.shared ?? null],
    );
    const location = theRow(rows, 'update of locations');
    let changedSkus: string[] = [];
    if (location.shared !== before.shared) {
      const sign = location.shared ? 1 : -1;
      const changed = await tx.query<{ sku: string }>(
        `update skus s set on_hand = s.on_hand + $3 * l.on_hand, updated_at = $4
           from stock_levels l
          where l.supplier_id = $1 and l.location_id = $2 and l.on_hand <> 0
            and s.supplier_id = l.supplier_id and s.sku = l.sku
        returning s.sku`,
        [supplierId, id, sign, at],
      );
      changedSkus = changed.map((r) => r.sku);
      if (changedSkus.length > 0) {
        // Explain the jump in onHand line by line, as every other change is.
        await tx.query(
          `insert into ledger (supplier_id, sku, location_id, at, kind, ref, delta_on_hand, on_hand, committed, held, atp, detail)
           select s.supplier_id, s.sku, $2, $3, 'location_shared', $2, $4 * l.on_hand, s.on_hand, s.committed, s.held,
                  s.on_hand - s.committed - s.held, jsonb_build_object('shared', $5::boolean)
             from skus s join stock_levels l on l.supplier_id = s.supplier_id and l.sku = s.sku and l.location_id = $2
            where s.supplier_id = $1 and s.sku = any($6::text[])`,
          [supplierId, id, at, sign, location.shared, changedSkus],
        );
      }
    }
    return { location, changedSkus };
  });
}

/** Only a location holding no stock can go: deleting one with units would silently change onHand. */
export async function deleteLocation(db: Db, supplierId: string, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await getLocation(tx, supplierId, id);
    const stock = await tx.query<{ n: number }>(
      `select count(*)::int as n from stock_levels where supplier_id = $1 and location_id = $2 and on_hand <> 0`,
      [supplierId, id],
    );
    if ((stock[0]?.n ?? 0) > 0) throw new DropsyncError('conflict', `location "${id}" still holds stock; set it to 0 first`, 'id');
    await tx.query(`delete from stock_levels where supplier_id = $1 and location_id = $2`, [supplierId, id]);
    await tx.query(`delete from locations where supplier_id = $1 and id = $2`, [supplierId, id]);
  });
}
