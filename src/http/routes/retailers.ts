/**
 * Retailers, their allocation settings (floor/ceiling/tier/excluded at global, category or SKU scope), their
 * tokens and what they are shown. A retailer token sees only its own retailer; others look like they do not exist.
 */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { assertRetailerVisible, principalOf, retailerScope } from '../auth.ts';
import { idParams, nullable, okSchema, responses } from '../schemas.ts';
import { createRetailer, deleteRetailer, getRetailer, listRetailers, updateRetailer } from '../../store/admin/retailers.ts';
import { deleteRetailerRule, listRetailerRules, setRetailerRule, type RetailerRulePatch } from '../../store/admin/retailer-rules.ts';
import { createApiKey, listApiKeys } from '../../store/admin/api-keys.ts';
import { listAllocations } from '../../store/admin/read-orders.ts';
import { normaliseSku, skusInCategory } from '../../store/admin/skus.ts';
import type { Scope } from '../../store/admin/types.ts';
import type { Db } from '../../store/types.ts';
import { ApiKeySchema, labelBody, NewKeySchema } from './keys.ts';

const RetailerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, conflictAction: { type: 'string', enum: ['cancel', 'backorder', 'notify'] },
    discountValue: { type: 'number' }, oversellCost: { type: 'number' }, createdAt: { type: 'string' },
  },
} as const;

const retailerFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  conflictAction: { type: 'string', enum: ['cancel', 'backorder', 'notify'], description: 'What to do with an order that lost the last-units race' },
  discountValue: { type: 'number', minimum: 0, maximum: 100000, description: 'Value of the apology discount code' },
  oversellCost: { type: 'number', minimum: 0, maximum: 100000, description: 'Cost recorded per oversold unit (default 20)' },
} as const;

const RetailerRuleSchema = {
  type: 'object',
  properties: {
    retailerId: { type: 'string' }, scope: { type: 'string' }, scopeKey: { type: 'string' },
    floor: nullable({ type: 'integer' }), ceiling: nullable({ type: 'integer' }), tier: nullable({ type: 'integer' }), excluded: nullable({ type: 'boolean' }),
  },
} as const;

const RetailerRuleBody = {
  type: 'object', additionalProperties: false, minProperties: 1,
  description: 'null clears a setting; a field left out is unchanged',
  properties: {
    floor: { type: 'integer', minimum: 0, nullable: true },
    ceiling: { type: 'integer', minimum: 0, nullable: true },
    tier: { type: 'integer', minimum: 1, nullable: true },
    excluded: { type: 'boolean', nullable: true },
  },
} as const;

const scopedParams = {
  type: 'object', required: ['id', 'scope', 'key'], additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1 }, scope: { type: 'string', enum: ['category', 'sku'] }, key: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const AllocationSchema = {
  type: 'object',
  properties: {
    storeId: { type: 'string' }, listingId: { type: 'string' }, sku: { type: 'string' }, externalId: { type: 'string' },
    desired: nullable({ type: 'integer' }), confirmed: nullable({ type: 'integer' }), confirmedAt: nullable({ type: 'string' }),
  },
} as const;

async function affectedSkus(db: Db, supplierId: string, scope: Scope, key: string): Promise<string[] | 'all'> {
  if (scope === 'global') return 'all';
  if (scope === 'sku') return [key];
  return skusInCategory(db, supplierId, key);
}

export function retailerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const recompute = async (supplierId: string, scope: Scope, key: string) => {
    const skus = await affectedSkus(deps.db, supplierId, scope, key);
    if (skus === 'all' || skus.length > 0) await deps.engine.recompute(supplierId, skus);
  };

  app.get('/v1/retailers', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'List retailers (a retailer token sees only itself)', response: responses({ 200: { type: 'array', items: RetailerSchema } }) },
  }, async (request) => listRetailers(deps.db, principalOf(request).supplierId, retailerScope(request)));

  app.post('/v1/retailers', {
    schema: {
      tags: ['retailers'], summary: 'Create a retailer',
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' }, ...retailerFields } },
      response: responses({ 201: RetailerSchema }),
    },
  }, async (request, reply) => {
    const retailer = await createRetailer(deps.db, principalOf(request).supplierId, request.body as { name: string }, deps.now());
    return reply.status(201).send(retailer);
  });

  app.get('/v1/retailers/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'Get a retailer', params: idParams, response: responses({ 200: RetailerSchema }) },
  }, async (request) => {
    const { id } = request.params as { id: string };
    assertRetailerVisible(request, id);
    return getRetailer(deps.db, principalOf(request).supplierId, id);
  });

  app.patch('/v1/retailers/:id', {
    schema: {
      tags: ['retailers'], summary: 'Update a retailer (name, conflict action, discount value, oversell cost)', params: idParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: retailerFields },
      response: responses({ 200: RetailerSchema }),
    },
  }, async (request) => updateRetailer(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id, request.body as object));

  app.delete('/v1/retailers/:id', {
    schema: { tags: ['retailers'], summary: 'Delete a retailer without stores (its tokens go too)', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await deleteRetailer(deps.db, principalOf(request).supplierId, (request.params as { id: string }).id);
    return { ok: true };
  });

  app.get('/v1/retailers/:id/rules', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: "A retailer's floor/ceiling/tier/excluded settings", params: idParams, response: responses({ 200: { type: 'array', items: RetailerRuleSchema } }) },
  }, async (request) => {
    const { id } = request.params as { id: string };
    assertRetailerVisible(request, id);
    const supplierId = principalOf(request).supplierId;
    await getRetailer(deps.db, supplierId, id);
    return listRetailerRules(deps.db, supplierId, id);
  });

  const putRule = async (supplierId: string, id: string, scope: Scope, key: string, body: RetailerRulePatch) => {
    const rule = await setRetailerRule(deps.db, supplierId, id, scope, key, body);
    await recompute(supplierId, scope, key);
    return rule ?? { retailerId: id, scope, scopeKey: key, floor: null, ceiling: null, tier: null, excluded: null };
  };
  const ruleKey = (scope: Scope, key: string) => (scope === 'sku' ? normaliseSku(key, 'key') : key);

  app.put('/v1/retailers/:id/rules/global', {
    schema: { tags: ['retailers'], summary: "Set a retailer's default floor/ceiling/tier/excluded", params: idParams, body: RetailerRuleBody, response: responses({ 200: RetailerRuleSchema }) },
  }, async (request) => putRule(principalOf(request).supplierId, (request.params as { id: string }).id, 'global', '', request.body as RetailerRulePatch));

  app.put('/v1/retailers/:id/rules/:scope/:key', {
    schema: { tags: ['retailers'], summary: "Set a retailer's settings for one category or SKU", params: scopedParams, body: RetailerRuleBody, response: responses({ 200: RetailerRuleSchema }) },
  }, async (request) => {
    const { id, scope, key } = request.params as { id: string; scope: Scope; key: string };
    return putRule(principalOf(request).supplierId, id, scope, ruleKey(scope, key), request.body as RetailerRulePatch);
  });

  app.delete('/v1/retailers/:id/rules/global', {
    schema: { tags: ['retailers'], summary: "Remove a retailer's default settings", params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    await deleteRetailerRule(deps.db, supplierId, (request.params as { id: string }).id, 'global', '');
    await recompute(supplierId, 'global', '');
    return { ok: true };
  });

  app.delete('/v1/retailers/:id/rules/:scope/:key', {
    schema: { tags: ['retailers'], summary: "Remove a retailer's settings for one category or SKU", params: scopedParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { id, scope, key } = request.params as { id: string; scope: Scope; key: string };
    await deleteRetailerRule(deps.db, supplierId, id, scope, ruleKey(scope, key));
    await recompute(supplierId, scope, ruleKey(scope, key));
    return { ok: true };
  });

  app.get('/v1/retailers/:id/tokens', {
    schema: { tags: ['retailers'], summary: "A retailer's tokens", params: idParams, response: responses({ 200: { type: 'array', items: ApiKeySchema } }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { id } = request.params as { id: string };
    await getRetailer(deps.db, supplierId, id);
    return listApiKeys(deps.db, supplierId, id);
  });

  app.post('/v1/retailers/:id/tokens', {
    schema: { tags: ['retailers'], summary: 'Create a retailer token (dsr_...): it sees only this retailer', params: idParams, body: labelBody, response: responses({ 201: NewKeySchema }) },
  }, async (request, reply) => {
    const supplierId = principalOf(request).supplierId;
    const { id } = request.params as { id: string };
    await getRetailer(deps.db, supplierId, id);
    const body = (request.body ?? {}) as { label?: string };
    return reply.status(201).send(await createApiKey(deps.db, { supplierId, retailerId: id, label: body.label ?? null }, deps.now()));
  });

  app.get('/v1/retailers/:id/allocations', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'What this retailer is shown: desired and confirmed per listing of its stores', params: idParams, response: responses({ 200: { type: 'array', items: AllocationSchema } }) },
  }, async (request) => {
    const { id } = request.params as { id: string };
    assertRetailerVisible(request, id);
    const supplierId = principalOf(request).supplierId;
    await getRetailer(deps.db, supplierId, id);
    return listAllocations(deps.db, supplierId, id);
  });
}
