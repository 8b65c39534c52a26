import type { Db } from '../types.ts';

/** Marks a state used, once: false when it was used (or expired) meanwhile. */
export async function useOAuthState(db: Db, state: string, now: string): Promise<boolean> {
  const rows = await db.query<{ state: string }>(
    `update oauth_states set used_at = $2::timestamptz where state = $1 and used_at is null and expires_at > $2::timestamptz returning state`,
    [state, now],
  );
  return rows.length === 1;
}
