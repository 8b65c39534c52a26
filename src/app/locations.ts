/** Supplier stock locations; only `shared` ones count toward what retailers can be shown. */
import { invalid } from '../domain/errors.ts';
import { createLocation, deleteLocation, updateLocation } from '../store/admin/index.ts';
import type { Location } from '../store/admin/types.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export function locationCommands(deps: AppDeps) {
  return {
    /** Location ids are matched exactly after trimming, like SKUs. */
    async create(actor: Actor, input: { id: string; name?: string; shared?: boolean }): Promise<Location> {
      const id = input.id.trim();
      if (id === '') throw invalid('id', 'must not be empty');
      return transact(deps, actor.supplierId, (w) => createLocation(w.tx, actor.supplierId, { id, name: input.name ?? id, shared: input.shared ?? true }));
    },

    /**
     * Renames a location or changes whether it is shared. Sharing moves its units into (or out of) every SKU's
     * on-hand, with a ledger line per SKU, and recomputes those SKUs, all in one transaction.
     */
    async update(actor: Actor, id: string, patch: { name?: string; shared?: boolean }): Promise<Location> {
      return transact(deps, actor.supplierId, async (w) => {
        const { location, changedSkus } = await updateLocation(w.tx, actor.supplierId, id, patch, w.at);
        await w.recompute(changedSkus);
        return location;
      });
    },

    /** Only a location holding no stock can go (so no quantity changes). */
    async remove(actor: Actor, id: string): Promise<void> {
      await transact(deps, actor.supplierId, (w) => deleteLocation(w.tx, actor.supplierId, id));
    },
  };
}
