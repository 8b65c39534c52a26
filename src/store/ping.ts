import type { Db } from './types.ts';

/** Throws when the database does not answer (readiness). */
export async function ping(db: Db): Promise<void> {
  await db.query('select 1');
}
