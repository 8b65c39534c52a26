/**
 * Retailers, their allocation settings (floor, ceiling, tier, excluded at global, category or SKU scope) and
 * their tokens. A retailer on its own shows nothing; its settings change what its stores are shown.
 */
import {
  createApiKey, createRetailer, deleteRetailer, deleteRetailerRule, getRetailer, setRetailerRule, updateRetailer, type RetailerRulePatch,
} from '../store/admin/index.ts';
import type { ApiKeyRow, Retailer, RetailerInput, RetailerRule, Scope } from '../store/admin/types.ts';
import { scopeKey, skusAffectedBy } from './scope.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export function retailerCommands(deps: AppDeps) {
  return {
    async create(actor: Actor, input: RetailerInput & { id?: string }): Promise<Retailer> {
      return transact(deps, actor.supplierId, (w) => createRetailer(w.tx, actor.supplierId, input, w.at));
    },

    /** Name, conflict action, discount value, oversell cost: none of them changes an allocation. */
    async update(actor: Actor, id: string, patch: Partial<RetailerInput>): Promise<Retailer> {
      return transact(deps, actor.supplierId, (w) => updateRetailer(w.tx, actor.supplierId, id, patch));
    },

    /** A retailer without stores (so without listings: nothing to recompute); its settings and tokens go with it. */
    async remove(actor: Actor, id: string): Promise<void> {
      await transact(deps, actor.supplierId, (w) => deleteRetailer(w.tx, actor.supplierId, id));
    },

    /** Merges settings into the retailer's rule at one scope and recomputes the SKUs it covers. */
    async setRule(actor: Actor, id: string, scope: Scope, key: string, patch: RetailerRulePatch): Promise<RetailerRule> {
      const k = scopeKey(scope, key);
      return transact(deps, actor.supplierId, async (w) => {
        const rule = await setRetailerRule(w.tx, actor.supplierId, id, scope, k, patch);
        await w.recompute(await skusAffectedBy(w.tx, actor.supplierId, scope, k));
        return rule ?? { retailerId: id, scope, scopeKey: k, floor: null, ceiling: null, tier: null, excluded: null };
      });
    },

    async removeRule(actor: Actor, id: string, scope: Scope, key: string): Promise<void> {
      const k = scopeKey(scope, key);
      await transact(deps, actor.supplierId, async (w) => {
        await deleteRetailerRule(w.tx, actor.supplierId, id, scope, k);
        await w.recompute(await skusAffectedBy(w.tx, actor.supplierId, scope, k));
      });
    },

    /** A retailer token (dsr_...): it sees only this retailer. The secret is returned this once. */
    async createToken(actor: Actor, id: string, label: string | null): Promise<{ key: string; apiKey: ApiKeyRow }> {
      return transact(deps, actor.supplierId, async (w) => {
        await getRetailer(w.tx, actor.supplierId, id);
        return createApiKey(w.tx, { supplierId: actor.supplierId, retailerId: id, label }, w.at);
      });
    },
  };
}
