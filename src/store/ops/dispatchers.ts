import type { Db } from '../types.ts';

/**
 * Marks this dispatcher live and returns how many dispatchers were seen within the last `liveMs` (this one
 * included) and how many stores are not paused; rows silent for an hour past that are dropped. Times are the
 * database's clock, like the leases, so hosts whose clocks disagree still count each other right.
 *
 * @example
 *   const { live, stores } = await beat(db, 'host:123:ab', leaseMs);
 *   const share = Math.ceil(stores / live);
 */
export async function beat(db: Db, owner: string, liveMs: number): Promise<{ live: number; stores: number }> {
  const rows = await db.query<{ live: number; stores: number }>(
    `with up as (
       insert into dispatchers (owner, seen_at) values ($1, clock_timestamp())
       on conflict (owner) do update set seen_at = excluded.seen_at returning 1),
     gone as (delete from dispatchers where seen_at < clock_timestamp() - make_interval(secs => $2 / 1000.0) - interval '1 hour' returning 1)
     select (select count(*)::int from dispatchers where seen_at >= clock_timestamp() - make_interval(secs => $2 / 1000.0) and owner <> $1) + 1 as live,
            (select count(*)::int from stores where not paused) as stores`,
    [owner, liveMs],
  );
  return rows[0] ?? { live: 1, stores: 0 };
}

/** Removes this dispatcher (a clean stop), so the others take its share at their next heartbeat. */
export async function forgetDispatcher(db: Db, owner: string): Promise<void> {
  await db.query(`delete from dispatchers where owner = $1`, [owner]);
}
