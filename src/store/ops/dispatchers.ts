import type { Db } from '../types.ts';

/**
 * Marks this dispatcher live at `now` and returns how many dispatchers were seen since `liveSince` (this one
 * included) and how many stores are not paused; rows silent for an hour past `liveSince` are dropped.
 *
 * @example
 *   const { live, stores } = await beat(db, 'host:123:ab', now, now - leaseMs);
 *   const share = Math.ceil(stores / live);
 */
export async function beat(db: Db, owner: string, now: string, liveSince: string): Promise<{ live: number; stores: number }> {
  const rows = await db.query<{ live: number; stores: number }>(
    `with up as (
       insert into dispatchers (owner, seen_at) values ($1, $2::timestamptz)
       on conflict (owner) do update set seen_at = excluded.seen_at returning 1),
     gone as (delete from dispatchers where seen_at < $3::timestamptz - interval '1 hour' returning 1)
     select (select count(*)::int from dispatchers where seen_at >= $3::timestamptz and owner <> $1) + 1 as live,
            (select count(*)::int from stores where not paused) as stores`,
    [owner, now, liveSince],
  );
  return rows[0] ?? { live: 1, stores: 0 };
}

/** Removes this dispatcher (a clean stop), so the others take its share at their next heartbeat. */
export async function forgetDispatcher(db: Db, owner: string): Promise<void> {
  await db.query(`delete from dispatchers where owner = $1`, [owner]);
}
