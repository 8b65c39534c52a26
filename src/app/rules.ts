/** Allocation rules (own reserve, buffer, threshold, strategy) at global, category and SKU scope. */
import { deleteRules, listRules, setRules } from '../store/admin/index.ts';
import type { Scope } from '../store/admin/types.ts';
import { emptyRuleView, toRuleViews, toStoredRules, type RuleBody, type RuleView } from './rule-values.ts';
import { scopeKey, skusAffectedBy } from './scope.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export function ruleCommands(deps: AppDeps) {
  return {
    /** Every rule, grouped by scope. */
    async list(actor: Actor): Promise<RuleView[]> {
      return toRuleViews(await listRules(deps.db, actor.supplierId));
    },

    /** Sets the rules of one scope (a field left out is unchanged, null removes it) and recomputes what they cover. */
    async set(actor: Actor, scope: Scope, key: string, body: RuleBody): Promise<RuleView> {
      const stored = toStoredRules(body);
      const k = scopeKey(scope, key);
      return transact(deps, actor.supplierId, async (w) => {
        const rules = await setRules(w.tx, actor.supplierId, scope, k, stored, w.at);
        await w.recompute(await skusAffectedBy(w.tx, actor.supplierId, scope, k));
        return toRuleViews(rules)[0] ?? emptyRuleView(scope, k);
      });
    },

    /** Removes every rule of one scope (not_found when there is none) and recomputes what they covered. */
    async remove(actor: Actor, scope: Scope, key: string): Promise<void> {
      const k = scopeKey(scope, key);
      await transact(deps, actor.supplierId, async (w) => {
        await deleteRules(w.tx, actor.supplierId, scope, k);
        await w.recompute(await skusAffectedBy(w.tx, actor.supplierId, scope, k));
      });
    },
  };
}
