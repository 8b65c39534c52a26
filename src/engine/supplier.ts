import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import type { CreateSupplierInput } from './types.ts';

/** Creates a supplier (and its locations; default one shared location `main`). For tests, the CLI and demos. */
export async function createSupplier(db: Db, clock: Clock, input: CreateSupplierInput): Promise<string> {
  const id = input.id ?? `sup_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const locations = input.locations ?? [{ id: 'main', name: 'Main warehouse', shared: true }];
  await db.transaction(async (tx) => {
    await tx.query(`insert into suppliers (id, name, created_at) values ($1, $2, $3::timestamptz)`, [id, input.name, new Date(clock.now()).toISOString()]);
    await tx.query(
      `insert into locations (supplier_id, id, name, shared) select $1, u.i, u.n, u.s from unnest($2::text[], $3::text[], $4::bool[]) u(i, n, s)`,
      [id, locations.map((l) => l.id), locations.map((l) => l.name ?? l.id), locations.map((l) => l.shared ?? true)],
    );
  });
  return id;
}
