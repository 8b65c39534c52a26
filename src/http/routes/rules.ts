/** Allocation rules at global, category and SKU scope: own reserve, buffer, deactivation threshold, strategy. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { okSchema, responses } from '../schemas.ts';
import { deleteRules, listRules, setRules } from '../../store/admin/rules.ts';
import { normaliseSku, skusInCategory } from '../../store/admin/skus.ts';
import type { Scope } from '../../store/admin/types.ts';
import type { Db } from '../../store/types.ts';
import { RuleBodySchema, RulesViewSchema, toRuleViews, toStoredRules, type RuleBody } from './rule-values.ts';

const scopedParams = {
  type: 'object', required: ['scope', 'key'], additionalProperties: false,
  properties: { scope: { type: 'string', enum: ['category', 'sku'] }, key: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** The SKUs a rule at this scope can change, for recompute. */
async function affectedSkus(db: Db, supplierId: string, scope: Scope, key: string): Promise<string[] | 'all'> {
  if (scope === 'global') return 'all';
  if (scope === 'sku') return [key];
  return skusInCategory(db, supplierId, key);
}

export function ruleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const put = async (supplierId: string, scope: Scope, key: string, body: RuleBody) => {
    const stored = toStoredRules(body);
    const rules = await setRules(deps.db, supplierId, scope, key, stored, deps.now());
    const skus = await affectedSkus(deps.db, supplierId, scope, key);
    if (skus === 'all' || skus.length > 0) await deps.engine.recompute(supplierId, skus);
    return toRuleViews(rules)[0] ?? { scope, key, ownReserve: null, buffer: null, threshold: null, strategy: null };
  };
  const remove = async (supplierId: string, scope: Scope, key: string) => {
    await deleteRules(deps.db, supplierId, scope, key);
    const skus = await affectedSkus(deps.db, supplierId, scope, key);
    if (skus === 'all' || skus.length > 0) await deps.engine.recompute(supplierId, skus);
    return { ok: true };
  };
  const keyOf = (scope: Scope, key: string) => (scope === 'sku' ? normaliseSku(key, 'key') : key);

  app.get('/v1/rules', {
    schema: {
      tags: ['rules'], summary: 'Every rule, grouped by scope (global, then categories, then SKUs)',
      response: responses({ 200: { type: 'array', items: RulesViewSchema } }),
    },
  }, async (request) => toRuleViews(await listRules(deps.db, principalOf(request).supplierId)));

  app.put('/v1/rules/global', {
    schema: { tags: ['rules'], summary: 'Set global rules', body: RuleBodySchema, response: responses({ 200: RulesViewSchema }) },
  }, async (request) => put(principalOf(request).supplierId, 'global', '', request.body as RuleBody));

  app.delete('/v1/rules/global', {
    schema: { tags: ['rules'], summary: 'Remove every global rule', response: responses({ 200: okSchema }) },
  }, async (request) => remove(principalOf(request).supplierId, 'global', ''));

  app.put('/v1/rules/:scope/:key', {
    schema: { tags: ['rules'], summary: 'Set the rules of one category or SKU', params: scopedParams, body: RuleBodySchema, response: responses({ 200: RulesViewSchema }) },
  }, async (request) => {
    const { scope, key } = request.params as { scope: Scope; key: string };
    return put(principalOf(request).supplierId, scope, keyOf(scope, key), request.body as RuleBody);
  });

  app.delete('/v1/rules/:scope/:key', {
    schema: { tags: ['rules'], summary: 'Remove the rules of one category or SKU', params: scopedParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const { scope, key } = request.params as { scope: Scope; key: string };
    return remove(principalOf(request).supplierId, scope, keyOf(scope, key));
  });
}
