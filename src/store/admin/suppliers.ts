import type { Db } from '../types.ts';
import type { Supplier } from './types.ts';
import { iso, newId } from './util.ts';

export async function createSupplier(db: Db, input: { name: string; id?: string }, at: Date): Promise<Supplier> {
  const id = input.id ?? newId('sup');
  await db.query(`insert into suppliers (id, name, created_at) values ($1, $2, $3)`, [id, input.name, at]);
  return { id, name: input.name, createdAt: at.toISOString() };
}

export async function listSuppliers(db: Db): Promise<Supplier[]> {
  const rows = await db.query<{ id: string; name: string; created_at: Date }>(`select id, name, created_at from suppliers order by created_at, id`);
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: iso(r.created_at) }));
}

/** Serialises first-run bootstraps of concurrent processes on a server (PGlite runs one transaction at a time). */
export async function lockBootstrap(db: Db): Promise<void> {
  if (db.kind === 'postgres') await db.query(`select pg_advisory_xact_lock(72470002)`);
}
