/** Read-only aggregate endpoints of the dashboard (/web/api/...) and the rules preview. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DropsyncError } from '../../domain/errors.ts';
import type { WebDeps } from '../types.ts';
import { requireAdmin, requireSession } from './auth.ts';
import { buildOverview, describeStore } from './overview.ts';
import { conflictOrders, listConflicts } from '../../store/views/conflicts.ts';
import { retailerAllocations } from '../../store/views/retailer.ts';
import { listRetailers } from '../../store/views/rules.ts';
import { listStores, mappingProblems } from '../../store/views/stores.ts';
import type { SessionStore } from './sessions.ts';
import { preview, rulesPage, skuPage, skuTable, type PreviewInput } from './skus.ts';

const scopeEnum = { type: 'string', enum: ['global', 'category', 'sku'] };
const nullableInt = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] };
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
};

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof DropsyncError && err.kind === 'invalid') {
    return reply.code(400).send({ error: 'invalid', field: err.field, message: err.message });
  }
  throw err;
}

export function registerApiRoutes(app: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const { db, clock } = deps;
  const guard = requireSession(sessions);
  const retailerOf = (r: { webSession?: { principal: { retailerId?: string } } }) => r.webSession?.principal.retailerId ?? null;
  const supplierOf = (r: { webSession?: { principal: { supplierId: string } } }) => r.webSession!.principal.supplierId;

  app.get('/web/api/overview', { preHandler: guard }, async (request) => {
    const retailerId = retailerOf(request);
    const overview = await buildOverview(db, clock, supplierOf(request), retailerId);
    // A retailer sees its own stores and conflicts; catalogue-wide exposure is the supplier's business.
    return retailerId ? { ...overview, phantom: null, skus: null } : overview;
  });

  app.get('/web/api/skus', {
    preHandler: guard,
    schema: { querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 500 }, offset: { type: 'integer', minimum: 0 } } } },
  }, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const q = request.query as { q?: string; limit?: number; offset?: number };
    return { skus: await skuTable(db, clock, supplierOf(request), (q.q ?? '').trim(), q.limit ?? 100, q.offset ?? 0) };
  });

  app.get('/web/api/skus/:sku', { preHandler: guard }, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const page = await skuPage(db, clock, supplierOf(request), (request.params as { sku: string }).sku);
    if (!page) return reply.code(404).send({ error: 'not_found', field: 'sku', message: 'no such SKU' });
    return page;
  });

  app.get('/web/api/rules', { preHandler: guard }, async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    return rulesPage(db, supplierOf(request));
  });

  const previewHandler = async (request: import('fastify').FastifyRequest, reply: FastifyReply) => {
    if (!requireAdmin(request, reply)) return reply;
    const body = request.body as Partial<PreviewInput>;
    try {
      return await preview(db, clock, supplierOf(request), { edits: body.edits ?? [], retailerEdits: body.retailerEdits ?? [], ...(body.skus ? { skus: body.skus } : {}), ...(body.category !== undefined ? { category: body.category } : {}), ...(body.search !== undefined ? { search: body.search } : {}) });
    } catch (err) {
      return fail(reply, err);
    }
  };
  app.post('/web/preview', { preHandler: guard, schema: { body: previewSchema } }, previewHandler);

  app.get('/web/api/stores', { preHandler: guard }, async (request) => {
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

  app.get('/web/api/conflicts', { preHandler: guard }, async (request) => {
    return { conflicts: await listConflicts(db, supplierOf(request), retailerOf(request), 200) };
  });

  app.get('/web/api/conflicts/:id', { preHandler: guard }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const retailerId = retailerOf(request);
    const all = await listConflicts(db, supplierOf(request), retailerId, 1000);
    const conflict = all.find((c) => c.id === id);
    if (!conflict) return reply.code(404).send({ error: 'not_found', field: 'id', message: 'no such conflict' });
    return { conflict, orders: await conflictOrders(db, supplierOf(request), id, retailerId) };
  });

  app.get('/web/api/allocations', {
    preHandler: guard,
    schema: { querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 200 }, retailerId: { type: 'string' } } } },
  }, async (request, reply) => {
    const q = request.query as { q?: string; retailerId?: string };
    // A retailer always gets its own; an admin may look at any retailer of theirs.
    const retailerId = retailerOf(request) ?? q.retailerId;
    if (!retailerId) return reply.code(400).send({ error: 'invalid', field: 'retailerId', message: 'is required for an admin session' });
    const retailers = await listRetailers(db, supplierOf(request), retailerId);
    if (retailers.length === 0) return reply.code(404).send({ error: 'not_found', field: 'retailerId', message: 'no such retailer' });
    return { retailer: retailers[0], allocations: await retailerAllocations(db, supplierOf(request), retailerId, (q.q ?? '').trim(), 1000) };
  });
}
