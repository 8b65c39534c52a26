/**
 * Retailers, their allocation settings (floor/ceiling/tier/excluded at global, category or SKU scope), their
 * tokens and what they are shown. A retailer token sees only its own retailer; others look like they do not exist.
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, assertRetailerVisible, principalOf, retailerScope } from '../auth.ts';
import { idParams, nullable, okSchema, responses, scopeEnum } from '../schemas.ts';
import { getRetailer, listAllocations, listApiKeys, listRetailerRules, listRetailers } from '../../store/admin/index.ts';
import { ApiKeySchema, labelBody, NewKeySchema } from './keys.ts';

const conflictAction = { type: 'string', enum: ['cancel', 'backorder', 'notify'] } as const;

const RetailerSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    id: { type: 'string' }, name: { type: 'string' }, conflictAction,
    discountValue: { type: 'number' }, oversellCost: { type: 'number' }, createdAt: { type: 'string' },
  },
} as const;

const retailerFields = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  conflictAction: { ...conflictAction, description: 'What to do with an order that lost the last-units race' },
  discountValue: { type: 'number', minimum: 0, maximum: 100000, description: 'Value of the apology discount code' },
  oversellCost: { type: 'number', minimum: 0, maximum: 100000, description: 'Cost recorded per oversold unit (default 20)' },
} as const;

const RetailerRuleSchema = {
  type: 'object', additionalProperties: false,
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
  properties: { id: { type: 'string', minLength: 1 }, scope: scopeEnum, key: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

const AllocationSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    storeId: { type: 'string' }, listingId: { type: 'string' }, sku: { type: 'string' }, externalId: { type: 'string' },
    desired: nullable({ type: 'integer' }), confirmed: nullable({ type: 'integer' }), confirmedAt: nullable({ type: 'string' }),
  },
} as const;

export function retailerRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/retailers', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'List retailers (a retailer token sees only itself)', response: responses({ 200: { type: 'array', items: RetailerSchema } }) },
  }, async (request) => listRetailers(db, principalOf(request).supplierId, retailerScope(request)));

  app.post('/v1/retailers', {
    schema: {
      tags: ['retailers'], summary: 'Create a retailer',
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' }, ...retailerFields } },
      response: responses({ 201: RetailerSchema }),
    },
  }, async (request, reply) => reply.status(201).send(await commands.retailers.create(actorOf(request), request.body)));

  app.get('/v1/retailers/:id', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'Get a retailer', params: idParams, response: responses({ 200: RetailerSchema }) },
  }, async (request) => {
    assertRetailerVisible(request, request.params.id);
    return getRetailer(db, principalOf(request).supplierId, request.params.id);
  });

  app.patch('/v1/retailers/:id', {
    schema: {
      tags: ['retailers'], summary: 'Update a retailer (name, conflict action, discount value, oversell cost)', params: idParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: retailerFields },
      response: responses({ 200: RetailerSchema }),
    },
  }, async (request) => commands.retailers.update(actorOf(request), request.params.id, request.body));

  app.delete('/v1/retailers/:id', {
    schema: { tags: ['retailers'], summary: 'Delete a retailer without stores (its tokens go too)', params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.retailers.remove(actorOf(request), request.params.id);
    return { ok: true };
  });

  app.get('/v1/retailers/:id/rules', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: "A retailer's floor/ceiling/tier/excluded settings", params: idParams, response: responses({ 200: { type: 'array', items: RetailerRuleSchema } }) },
  }, async (request) => {
    const { id } = request.params;
    assertRetailerVisible(request, id);
    const supplierId = principalOf(request).supplierId;
    await getRetailer(db, supplierId, id);
    return listRetailerRules(db, supplierId, id);
  });

  app.put('/v1/retailers/:id/rules/global', {
    schema: { tags: ['retailers'], summary: "Set a retailer's default floor/ceiling/tier/excluded", params: idParams, body: RetailerRuleBody, response: responses({ 200: RetailerRuleSchema }) },
  }, async (request) => commands.retailers.setRule(actorOf(request), request.params.id, 'global', '', request.body));

  app.put('/v1/retailers/:id/rules/:scope/:key', {
    schema: { tags: ['retailers'], summary: "Set a retailer's settings for one category or SKU", params: scopedParams, body: RetailerRuleBody, response: responses({ 200: RetailerRuleSchema }) },
  }, async (request) => {
    const { id, scope, key } = request.params;
    return commands.retailers.setRule(actorOf(request), id, scope, key, request.body);
  });

  app.delete('/v1/retailers/:id/rules/global', {
    schema: { tags: ['retailers'], summary: "Remove a retailer's default settings", params: idParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.retailers.removeRule(actorOf(request), request.params.id, 'global', '');
    return { ok: true };
  });

  app.delete('/v1/retailers/:id/rules/:scope/:key', {
    schema: { tags: ['retailers'], summary: "Remove a retailer's settings for one category or SKU", params: scopedParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    const { id, scope, key } = request.params;
    await commands.retailers.removeRule(actorOf(request), id, scope, key);
    return { ok: true };
  });

  app.get('/v1/retailers/:id/tokens', {
    schema: { tags: ['retailers'], summary: "A retailer's tokens", params: idParams, response: responses({ 200: { type: 'array', items: ApiKeySchema } }) },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    await getRetailer(db, supplierId, request.params.id);
    return listApiKeys(db, supplierId, request.params.id);
  });

  app.post('/v1/retailers/:id/tokens', {
    schema: { tags: ['retailers'], summary: 'Create a retailer token (dsr_...): it sees only this retailer', params: idParams, body: labelBody, response: responses({ 201: NewKeySchema }) },
  }, async (request, reply) => reply.status(201).send(await commands.retailers.createToken(actorOf(request), request.params.id, request.body.label ?? null)));

  app.get('/v1/retailers/:id/allocations', {
    config: { access: 'retailer' },
    schema: { tags: ['retailers'], summary: 'What this retailer is shown: desired and confirmed per listing of its stores', params: idParams, response: responses({ 200: { type: 'array', items: AllocationSchema } }) },
  }, async (request) => {
    const { id } = request.params;
    assertRetailerVisible(request, id);
    const supplierId = principalOf(request).supplierId;
    await getRetailer(db, supplierId, id);
    return listAllocations(db, supplierId, id);
  });
}
