/** SKU catalogue: CRUD, CSV import, and the full per-SKU view (every quantity, per-store numbers, ledger). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { nextCursor, okSchema, page, pageQuery, responses } from '../schemas.ts';
import { createSku, deleteSku, listSkus, updateSku } from '../../store/admin/skus.ts';
import { importSkusCsv } from '../../store/admin/import-skus.ts';
import { invalid } from '../../domain/errors.ts';
import { ImportResultSchema, SkuSchema, SkuViewSchema } from './sku-schemas.ts';

const skuParams = { type: 'object', required: ['sku'], additionalProperties: false, properties: { sku: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const text = (max: number) => ({ type: 'string', maxLength: max, nullable: true }) as const;

export function skuRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/v1/skus', {
    schema: {
      tags: ['skus'], summary: 'List SKUs, by SKU code',
      querystring: { type: 'object', additionalProperties: false, properties: { category: { type: 'string' }, listed: { type: 'boolean' }, ...pageQuery } },
      response: responses({ 200: page(SkuSchema) }),
    },
  }, async (request) => {
    const q = request.query as { category?: string; listed?: boolean; after?: string; limit: number };
    const items = await listSkus(deps.db, principalOf(request).supplierId, q);
    return { items, next: nextCursor(items, q.limit, (s) => s.sku) };
  });

  app.post('/v1/skus', {
    schema: {
      tags: ['skus'], summary: 'Create a SKU (stock comes from stock events)',
      body: {
        type: 'object', required: ['sku'], additionalProperties: false,
        properties: { sku: { type: 'string', minLength: 1, maxLength: 200 }, name: text(500), category: text(200), listed: { type: 'boolean' } },
      },
      response: responses({ 201: { type: 'object', properties: { ...SkuSchema.properties, warnings: { type: 'array', items: { type: 'string' } } } } }),
    },
  }, async (request, reply) => {
    const supplierId = principalOf(request).supplierId;
    const { sku, warnings } = await createSku(deps.db, supplierId, request.body as { sku: string }, deps.now());
    await deps.engine.recompute(supplierId, [sku.sku]);
    return reply.status(201).send({ ...sku, warnings });
  });

  app.post('/v1/skus/import', {
    schema: {
      tags: ['skus'], summary: 'Import SKUs from CSV (sku,name,category,listed): each row on its own, bad rows reported',
      description: 'Send the CSV as text/csv, or JSON {"csv": "..."}. Existing SKUs are updated (name, category, listed).',
      consumes: ['text/csv', 'application/json'],
      body: {
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'object', required: ['csv'], additionalProperties: false, properties: { csv: { type: 'string', minLength: 1 } } },
        ],
      },
      response: responses({ 200: ImportResultSchema }),
    },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const body = request.body as string | { csv: string };
    const csv = typeof body === 'string' ? body : body.csv;
    if (typeof csv !== 'string') throw invalid('csv', 'is required');
    const result = await importSkusCsv(deps.db, supplierId, csv, deps.now());
    if (result.skus.length > 0) await deps.engine.recompute(supplierId, result.skus);
    return result;
  });

  app.get('/v1/skus/:sku', {
    schema: {
      tags: ['skus'], summary: 'Everything about one SKU: SPEC section 3 quantities, shown/desired/confirmed per store, recent ledger',
      params: skuParams,
      querystring: { type: 'object', additionalProperties: false, properties: { ledger: { type: 'integer', minimum: 0, maximum: 1000, default: 20 } } },
      response: responses({ 200: SkuViewSchema }),
    },
  }, async (request) => {
    const { sku } = request.params as { sku: string };
    return deps.engine.getSku(principalOf(request).supplierId, sku, (request.query as { ledger: number }).ledger);
  });

  app.patch('/v1/skus/:sku', {
    schema: {
      tags: ['skus'], summary: 'Update name, category or listed', params: skuParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: text(500), category: text(200), listed: { type: 'boolean' } } },
      response: responses({ 200: SkuSchema }),
    },
  }, async (request) => {
    const supplierId = principalOf(request).supplierId;
    const { sku } = await updateSku(deps.db, supplierId, (request.params as { sku: string }).sku, request.body as object, deps.now());
    // Category decides which rules apply; listed decides whether stores are shown the SKU.
    await deps.engine.recompute(supplierId, [sku.sku]);
    return sku;
  });

  app.delete('/v1/skus/:sku', {
    schema: { tags: ['skus'], summary: 'Delete a SKU with no history (else set listed=false)', params: skuParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await deleteSku(deps.db, principalOf(request).supplierId, (request.params as { sku: string }).sku);
    return { ok: true };
  });
}
