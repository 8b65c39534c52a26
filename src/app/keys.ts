/** Keys: the first run's supplier and admin key, supplier admin keys, revoking keys and tokens. */
import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import { countApiKeys, createApiKey, createLocation, createSupplier, listSuppliers, lockBootstrap, revokeApiKey } from '../store/admin/index.ts';
import type { ApiKeyRow } from '../store/admin/types.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

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

export function keyCommands(deps: AppDeps) {
  return {
    /** An admin key, or with `retailerId` a retailer token; the secret is returned this once. */
    async create(actor: Actor, input: { label?: string | null; retailerId?: string | null }): Promise<{ key: string; apiKey: ApiKeyRow }> {
      return transact(deps, actor.supplierId, (w) =>
        createApiKey(w.tx, { supplierId: actor.supplierId, retailerId: input.retailerId ?? null, label: input.label ?? null }, w.at));
    },

    async revoke(actor: Actor, id: string): Promise<ApiKeyRow> {
      return transact(deps, actor.supplierId, (w) => revokeApiKey(w.tx, actor.supplierId, id, w.at));
    },
  };
}
