import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import { createLocations, createSupplier as insertSupplier } from '../store/admin/index.ts';
import type { CreateSupplierInput } from './types.ts';

/** Creates a supplier (and its locations; default one shared location `main`). For tests, the CLI and demos. */
export async function createSupplier(db: Db, clock: Clock, input: CreateSupplierInput): Promise<string> {
  const id = input.id ?? `sup_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const locations = input.locations ?? [{ id: 'main', name: 'Main warehouse', shared: true }];
  await db.transaction(async (tx) => {
    await insertSupplier(tx, { id, name: input.name }, new Date(clock.now()));
    await createLocations(tx, id, locations.map((l) => ({ id: l.id, name: l.name ?? l.id, shared: l.shared ?? true })));
  });
  return id;
}
