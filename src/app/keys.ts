/** Keys: the first run's supplier and admin key. */
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import { countApiKeys, createApiKey, createLocation, createSupplier, listSuppliers, lockBootstrap } from '../store/admin/index.ts';

/**
 * On an empty database, creates the first supplier (with its shared location `main`) and an admin key, and
 * returns the key (to print once). Returns null when any key exists already.
 */
export async function bootstrap(db: Db, clock: Clock, name = 'My supplier'): Promise<{ supplierId: string; adminKey: string } | null> {
  return db.transaction(async (tx) => {
    await lockBootstrap(tx);
    if ((await countApiKeys(tx)) > 0) return null;
    const at = new Date(clock.now());
    const existing = (await listSuppliers(tx))[0];
    const supplier = existing ?? (await createSupplier(tx, { name }, at));
    if (!existing) await createLocation(tx, supplier.id, { id: 'main', name: 'Main warehouse', shared: true });
    const { key } = await createApiKey(tx, { supplierId: supplier.id, label: 'first admin key' }, at);
    return { supplierId: supplier.id, adminKey: key };
  });
}
