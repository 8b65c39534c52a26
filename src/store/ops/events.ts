import type { Db } from '../types.ts';

export interface StockEventRow {
  eventId: string;
  sku: string;
  locationId: string;
  kind: 'set' | 'adjust';
  quantity: number | null;
  delta: number | null;
  occurredAt: string;
  source: string | null;
  reason: string | null;
  outcome: 'applied' | 'stale';
}

/** Event ids of this supplier already recorded. */
export async function findSeenEvents(db: Db, supplierId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ event_id: string }>(
    `select event_id from stock_events where supplier_id = $1 and event_id = any($2::text[])`,
    [supplierId, ids],
  );
  return new Set(rows.map((r) => r.event_id));
}

/** Records events (idempotency + history) in one statement. */
export async function insertEvents(db: Db, supplierId: string, rows: readonly StockEventRow[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into stock_events (supplier_id, event_id, sku, location_id, kind, quantity, delta, occurred_at, source, reason, outcome, received_at)
     select $1, u.e, u.s, u.l, u.k, u.q, u.d, u.o, u.src, u.r, u.out, $12::timestamptz
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::timestamptz[], $9::text[], $10::text[], $11::text[])
       u(e, s, l, k, q, d, o, src, r, out)`,
    [
      supplierId,
      rows.map((r) => r.eventId), rows.map((r) => r.sku), rows.map((r) => r.locationId), rows.map((r) => r.kind),
      rows.map((r) => r.quantity), rows.map((r) => r.delta), rows.map((r) => r.occurredAt),
      rows.map((r) => r.source), rows.map((r) => r.reason), rows.map((r) => r.outcome), at,
    ],
  );
}

/**
 * For each (sku, location, time): the sum of applied `adjust` deltas that occurred strictly after that time.
 * A `set` at T resolves to quantity + this sum, so deltas that happened after the count are not lost.
 */
export async function adjustSumsAfter(
  db: Db, supplierId: string, probes: readonly { sku: string; locationId: string; after: string }[],
): Promise<number[]> {
  if (probes.length === 0) return [];
  const rows = await db.query<{ i: number; total: number }>(
    `select p.i::int as i, coalesce(sum(e.delta), 0)::int as total
     from unnest($2::text[], $3::text[], $4::timestamptz[]) with ordinality p(sku, loc, t, i)
     left join stock_events e on e.supplier_id = $1 and e.sku = p.sku and e.location_id = p.loc
       and e.kind = 'adjust' and e.outcome = 'applied' and e.occurred_at > p.t
     group by p.i order by p.i`,
    [supplierId, probes.map((p) => p.sku), probes.map((p) => p.locationId), probes.map((p) => p.after)],
  );
  return rows.map((r) => r.total);
}
