import type { Db } from '../types.ts';

export interface DueConflict {
  id: string; supplier_id: string; order_id: string; store_id: string | null; sku: string; short: number; action: string;
  attempts: number; platform_order_id: string; name: string | null; email: string | null; discount_value: number | null;
  quantity: number;
}

/** Claims pending compensations due now; the claim pushes next_attempt_at out by `leaseMs` so nobody else takes them. */
export async function claimDueConflicts(db: Db, now: string, leaseUntil: string, limit: number): Promise<DueConflict[]> {
  return db.query<DueConflict>(
    `with due as (
       select id from conflicts where status = 'pending' and next_attempt_at <= $1::timestamptz
       order by next_attempt_at limit $3 for update skip locked),
     claimed as (
       update conflicts c set next_attempt_at = $2::timestamptz, attempts = c.attempts + 1 from due where c.id = due.id
       returning c.*)
     select c.id, c.supplier_id, c.order_id, c.store_id, c.sku, c.short, c.action, c.attempts,
            o.platform_order_id, o.name, o.email, r.discount_value::float as discount_value,
            coalesce((select sum(ol.quantity) from order_lines ol where ol.order_id = c.order_id and ol.sku = c.sku), c.short)::int as quantity
     from claimed c join orders o on o.id = c.order_id left join retailers r on r.id = c.retailer_id`,
    [now, leaseUntil, limit],
  );
}

export async function resolveConflicts(
  db: Db, ids: readonly string[], status: 'done' | 'failed', detail: string, code: string | null, at: string,
): Promise<void> {
  await db.query(
    `update conflicts set status = $2, detail = $3, code = $4, resolved_at = $5::timestamptz, next_attempt_at = null where id = any($1::text[])`,
    [ids, status, detail, code, at],
  );
}

/** A failed compensation attempt: retry later with backoff computed in SQL (base * 2^attempts, capped, jittered). */
export async function retryConflicts(db: Db, ids: readonly string[], detail: string, now: string, baseMs: number, capMs: number): Promise<void> {
  await db.query(
    `update conflicts set detail = $2,
       next_attempt_at = $3::timestamptz + make_interval(secs => least($5::float, $4 * power(2, least(attempts, 30))) * (0.5 + random() * 0.5) / 1000.0)
     where id = any($1::text[])`,
    [ids, detail, now, baseMs, capMs],
  );
}

/** How many conflicts a supplier has had. */
export async function countConflicts(db: Db, supplierId: string): Promise<number> {
  return (await db.query<{ n: number }>(`select count(*)::int as n from conflicts where supplier_id = $1`, [supplierId]))[0]?.n ?? 0;
}
