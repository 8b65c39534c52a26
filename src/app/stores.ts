/**
 * Retailer stores. Credentials are sealed (AES-256-GCM) before they reach the database and never returned.
 * A retailer token may connect and edit its own stores; another retailer's store looks like it does not exist.
 */
import { DropsyncError } from '../domain/errors.ts';
import type { StoreSyncView } from '../engine/types.ts';
import { createStore, deleteStore, getStore, setStorePaused, skusListedOn, updateStore } from '../store/admin/index.ts';
import type { Store, StoreInput } from '../store/admin/types.ts';
import type { Db } from '../store/types.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export interface ConnectStoreInput extends Omit<StoreInput, 'sealedCredentials'> {
  /** Plain credentials as the user gave them; sealed here. */
  credentials?: Record<string, string>;
}

export interface StorePatch {
  name?: string;
  config?: Record<string, unknown>;
  /** New credentials, or null to remove them. */
  credentials?: Record<string, string> | null;
}

/** The store, if the actor may see it (a retailer only its own); not_found otherwise. */
export const visibleStore = (db: Db, actor: Actor, id: string): Promise<Store> => getStore(db, actor.supplierId, id, actor.retailerId);

export function storeCommands(deps: AppDeps) {
  return {
    async connect(actor: Actor, input: ConnectStoreInput): Promise<Store> {
      if (actor.retailerId !== null && actor.retailerId !== input.retailerId) throw new DropsyncError('not_found', `no retailer "${input.retailerId}"`, 'retailerId');
      const sealedCredentials = input.credentials ? deps.sealer.seal(input.credentials) : null;
      return transact(deps, actor.supplierId, (w) => createStore(w.tx, actor.supplierId, {
        retailerId: input.retailerId, platform: input.platform, name: input.name, config: input.config ?? {}, sealedCredentials,
      }, w.at));
    },

    /** Rename, new config, new (or no) credentials; the engine's cached connector for it is rebuilt. */
    async update(actor: Actor, id: string, patch: StorePatch): Promise<Store> {
      return transact(deps, actor.supplierId, async (w) => {
        await visibleStore(w.tx, actor, id);
        const store = await updateStore(w.tx, actor.supplierId, id, {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.config !== undefined ? { config: patch.config } : {}),
          ...(patch.credentials !== undefined ? { sealedCredentials: patch.credentials === null ? null : deps.sealer.seal(patch.credentials) } : {}),
        });
        w.afterCommit(() => deps.engine.invalidateStore(id));
        return store;
      });
    },

    /** A store without orders goes with its listings; the SKUs it listed are recomputed for the other stores. */
    async remove(actor: Actor, id: string): Promise<void> {
      await transact(deps, actor.supplierId, async (w) => {
        const skus = await skusListedOn(w.tx, id);
        await deleteStore(w.tx, actor.supplierId, id);
        await w.recompute(skus);
        w.afterCommit(() => deps.engine.invalidateStore(id));
      });
    },

    /** A paused store keeps its desired quantities up to date but is not pushed to. */
    async setPaused(actor: Actor, id: string, paused: boolean): Promise<Store> {
      return transact(deps, actor.supplierId, async (w) => {
        const store = await setStorePaused(w.tx, actor.supplierId, id, paused, w.at);
        await w.recompute(await skusListedOn(w.tx, id));
        // A store this process is pushing stops at once (other processes' runs stop at their next heartbeat).
        if (paused) w.afterCommit(() => deps.engine.invalidateStore(id));
        return store;
      });
    },

    /** Sync health of a store the actor may see, over the last hour or since `sinceMs`. */
    async sync(actor: Actor, id: string, sinceMs?: number): Promise<StoreSyncView> {
      await visibleStore(deps.db, actor, id);
      return deps.engine.storeSync(id, sinceMs !== undefined ? { sinceMs } : {});
    },
  };
}
