/** Read-only aggregate endpoints of the dashboard (/web/api/...) and the rules preview. */
import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { DropsyncError } from '../../domain/errors.ts';
import type { WebDeps } from '../types.ts';
import { requireAdmin, requireSession, sessionFrom } from './auth.ts';
import { buildOverview, describeStore } from './overview.ts';
import { conflictOrders, listConflicts } from '../../store/views/conflicts.ts';
import { retailerAllocations } from '../../store/views/retailer.ts';
import { listRetailers } from '../../store/views/rules.ts';
import { listStores, mappingProblems } from '../../store/views/stores.ts';
import type { SessionStore } from './sessions.ts';
import { preview, rulesPage, skuPage, skuTable } from './skus.ts';

const scopeEnum = { type: 'string', enum: ['global', 'category', 'sku'] } as const;
const nullableInt = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] } as const;
const previewSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    edits: {
      type: 'array', maxItems: 100, items: {
        type: 'object', required: ['scope', 'scopeKey', 'kind', 'value'], additionalProperties: false,
        properties: {
          scope: scopeEnum, scopeKey: { type: 'string', maxLength: 200 },
          kind: { type: 'string', enum: ['own_reserve', 'buffer', 'threshold', 'strategy'] }, value: {},
        },
      },
    },
    retailerEdits: {
      type: 'array', maxItems: 100, items: {
        type: 'object', required: ['retailerId', 'scope', 'scopeKey'], additionalProperties: false,
        properties: {
          retailerId: { type: 'string' }, scope: scopeEnum, scopeKey: { type: 'string', maxLength: 200 },
          floor: nullableInt, ceiling: nullableInt, tier: nullableInt, excluded: { type: ['boolean', 'null'] },
        },
      },
    },
    skus: { type: 'array', maxItems: 25, items: { type: 'string' } },
    category: { type: 'string', maxLength: 200 },
    search: { type: 'string', maxLength: 200 },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const skuParams = { type: 'object', required: ['sku'], properties: { sku: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const search = { q: { type: 'string', maxLength: 200 } } as const;

export function registerApiRoutes(scope: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const app = scope.withTypeProvider<JsonSchemaToTsProvider>();
  const { db, clock } = deps;
  const preHandler = requireSession(sessions);
  const retailerOf = (r: Parameters<typeof sessionFrom>[0]) => sessionFrom(r).principal.retailerId ?? null;
  const supplierOf = (r: Parameters<typeof sessionFrom>[0]) => sessionFrom(r).principal.supplierId;

  app.get('/web/api/overview', { preHandler }, async (request) => {
    const retailerId = retailerOf(request);
    const overview = await buildOverview(db, clock, supplierOf(request), retailerId);
    // A retailer sees its own stores and conflicts; catalogue-wide exposure is the supplier's business.
    return retailerId ? { ...overview, phantom: null, skus: null } : overview;
  });

  app.get('/web/api/skus', {
    preHandler,
    schema: { querystring: { type: 'object', properties: { ...search, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 }, offset: { type: 'integer', minimum: 0, default: 0 } } } },
  }, async (request) => {
    requireAdmin(request);
    const q = request.query;
    return { skus: await skuTable(db, clock, supplierOf(request), (q.q ?? '').trim(), q.limit, q.offset) };
  });

  app.get('/web/api/skus/:sku', { preHandler, schema: { params: skuParams } }, async (request) => {
    requireAdmin(request);
    const page = await skuPage(db, clock, supplierOf(request), request.params.sku);
    if (!page) throw new DropsyncError('not_found', 'no such SKU', 'sku');
    return page;
  });

  app.get('/web/api/rules', { preHandler }, async (request) => {
    requireAdmin(request);
    return rulesPage(db, supplierOf(request));
  });

  app.post('/web/preview', { preHandler, schema: { body: previewSchema } }, async (request) => {
    requireAdmin(request);
    const { edits = [], retailerEdits = [], ...pick } = request.body;
    return preview(db, clock, supplierOf(request), { edits, retailerEdits, ...pick });
  });

  app.get('/web/api/stores', { preHandler }, async (request) => {
    const retailerId = retailerOf(request);
    const supplierId = supplierOf(request);
    const now = clock.now();
    const [stores, problems, retailers] = await Promise.all([
      listStores(db, supplierId, retailerId, new Date(now - 86_400_000).toISOString()),
      mappingProblems(db, supplierId, retailerId),
      listRetailers(db, supplierId, retailerId),
    ]);
    return { stores: stores.map((s) => describeStore(s, now)), problems, retailers };
  });

  app.get('/web/api/conflicts', { preHandler }, async (request) => {
    return { conflicts: await listConflicts(db, supplierOf(request), retailerOf(request), 200) };
  });

  app.get('/web/api/conflicts/:id', { preHandler, schema: { params: idParams } }, async (request) => {
    const { id } = request.params;
    const retailerId = retailerOf(request);
    const all = await listConflicts(db, supplierOf(request), retailerId, 1000);
    const conflict = all.find((c) => c.id === id);
    if (!conflict) throw new DropsyncError('not_found', 'no such conflict', 'id');
    return { conflict, orders: await conflictOrders(db, supplierOf(request), id, retailerId) };
  });

  app.get('/web/api/allocations', {
    preHandler,
    schema: { querystring: { type: 'object', properties: { ...search, retailerId: { type: 'string' } } } },
  }, async (request) => {
    const q = request.query;
    // A retailer always gets its own; an admin may look at any retailer of theirs.
    const retailerId = retailerOf(request) ?? q.retailerId;
    if (!retailerId) throw new DropsyncError('invalid', 'is required for an admin session', 'retailerId');
    const [retailer] = await listRetailers(db, supplierOf(request), retailerId);
    if (!retailer) throw new DropsyncError('not_found', 'no such retailer', 'retailerId');
    return { retailer, allocations: await retailerAllocations(db, supplierOf(request), retailerId, (q.q ?? '').trim(), 1000) };
  });
}
