import type { Db } from '../types.ts';

export interface LedgerRow {
  sku: string;
  locationId: string | null;
  kind: string;
  ref: string | null;
  dOnHand: number;
  dCommitted: number;
  dHeld: number;
  onHand: number;
  committed: number;
  held: number;
  detail?: Record<string, unknown> | null;
}

/** Appends ledger lines (in the given order) in one statement. */
export async function appendLedger(db: Db, supplierId: string, rows: readonly LedgerRow[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into ledger (supplier_id, sku, location_id, at, kind, ref, delta_on_hand, delta_committed, delta_held,
                         on_hand, committed, held, atp, detail)
     select $1, u.s, u.l, $13::timestamptz, u.k, u.r, u.a, u.b, u.c, u.oh, u.cm, u.h, u.oh - u.cm - u.h, u.d::jsonb
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[], $12::text[])
       with ordinality u(s, l, k, r, a, b, c, oh, cm, h, d, i)
     order by u.i`,
    [
      supplierId, rows.map((r) => r.sku), rows.map((r) => r.locationId), rows.map((r) => r.kind), rows.map((r) => r.ref),
      rows.map((r) => r.dOnHand), rows.map((r) => r.dCommitted), rows.map((r) => r.dHeld),
      rows.map((r) => r.onHand), rows.map((r) => r.committed), rows.map((r) => r.held),
      rows.map((r) => (r.detail ? JSON.stringify(r.detail) : null)), at,
    ],
  );
}

export interface LedgerReadRow {
  id: number; at: string; kind: string; location_id: string | null; ref: string | null;
  delta_on_hand: number; delta_committed: number; delta_held: number;
  on_hand: number; committed: number; held: number; atp: number;
}

/** The newest ledger lines of one SKU, newest first. */
export async function readLedger(db: Db, supplierId: string, sku: string, limit: number): Promise<LedgerReadRow[]> {
  return db.query<LedgerReadRow>(
    `select id, at::text as at, kind, location_id, ref, delta_on_hand, delta_committed, delta_held, on_hand, committed, held, atp
     from ledger where supplier_id = $1 and sku = $2 order by id desc limit $3`,
    [supplierId, sku, limit],
  );
}
