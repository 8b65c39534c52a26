/** SKU catalogue: CRUD, CSV import, and the full per-SKU view (every quantity, per-store numbers, ledger). */
import type { RouteDeps, TypedApp } from '../types.ts';
import { actorOf, principalOf } from '../auth.ts';
import { nextCursor, okSchema, page, pageQuery, responses } from '../schemas.ts';
import { listSkus } from '../../store/admin/index.ts';
import { ImportResultSchema, SkuSchema, SkuViewSchema } from './sku-schemas.ts';

const skuParams = { type: 'object', required: ['sku'], additionalProperties: false, properties: { sku: { type: 'string', minLength: 1, maxLength: 200 } } } as const;
const text = (max: number) => ({ type: 'string', maxLength: max, nullable: true }) as const;

export function skuRoutes(app: TypedApp, { db, commands }: RouteDeps): void {
  app.get('/v1/skus', {
    schema: {
      tags: ['skus'], summary: 'List SKUs, by SKU code',
      querystring: { type: 'object', additionalProperties: false, properties: { category: { type: 'string' }, listed: { type: 'boolean' }, ...pageQuery } },
      response: responses({ 200: page(SkuSchema) }),
    },
  }, async (request) => {
    const q = request.query;
    const items = await listSkus(db, principalOf(request).supplierId, q);
    return { items, next: nextCursor(items, q.limit, (s) => s.sku) };
  });

  app.post('/v1/skus', {
    schema: {
      tags: ['skus'], summary: 'Create a SKU (stock comes from stock events)',
      body: {
        type: 'object', required: ['sku'], additionalProperties: false,
        properties: { sku: { type: 'string', minLength: 1, maxLength: 200 }, name: text(500), category: text(200), listed: { type: 'boolean' } },
      },
      response: responses({ 201: { type: 'object', additionalProperties: false, properties: { ...SkuSchema.properties, warnings: { type: 'array', items: { type: 'string' } } } } }),
    },
  }, async (request, reply) => {
    const { sku, warnings } = await commands.skus.create(actorOf(request), request.body);
    return reply.status(201).send({ ...sku, warnings });
  });

  app.post('/v1/skus/import', {
    schema: {
      tags: ['skus'], summary: 'Import SKUs from CSV (sku,name,category,listed): bad rows reported by line, the rest imported in one transaction',
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
    const body = request.body;
    return commands.skus.importCsv(actorOf(request), typeof body === 'string' ? body : body.csv);
  });

  app.get('/v1/skus/:sku', {
    schema: {
      tags: ['skus'], summary: 'Everything about one SKU: its quantities, shown/desired/confirmed per store, recent ledger',
      params: skuParams,
      querystring: { type: 'object', additionalProperties: false, properties: { ledger: { type: 'integer', minimum: 0, maximum: 1000, default: 20 } } },
      response: responses({ 200: SkuViewSchema }),
    },
  }, async (request) => commands.skus.get(actorOf(request), request.params.sku, request.query.ledger));

  app.patch('/v1/skus/:sku', {
    schema: {
      tags: ['skus'], summary: 'Update name, category or listed', params: skuParams,
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: text(500), category: text(200), listed: { type: 'boolean' } } },
      response: responses({ 200: SkuSchema }),
    },
  }, async (request) => commands.skus.update(actorOf(request), request.params.sku, request.body));

  app.delete('/v1/skus/:sku', {
    schema: { tags: ['skus'], summary: 'Delete a SKU with no history (else set listed=false)', params: skuParams, response: responses({ 200: okSchema }) },
  }, async (request) => {
    await commands.skus.remove(actorOf(request), request.params.sku);
    return { ok: true };
  });
}
