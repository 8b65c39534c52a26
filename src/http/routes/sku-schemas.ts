/** Response schemas of SKU routes: the SKU row and the full per-SKU view (every quantity). */
import { nullable } from '../schemas.ts';

export const SkuSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    sku: { type: 'string' }, name: nullable({ type: 'string' }), category: nullable({ type: 'string' }), listed: { type: 'boolean' },
    onHand: { type: 'integer' }, committed: { type: 'integer' }, held: { type: 'integer' }, velocity: { type: 'number' },
    createdAt: { type: 'string' }, updatedAt: { type: 'string' },
  },
} as const;

const QuantitiesSchema = {
  type: 'object', additionalProperties: false,
  description: 'In the order they are computed: atp = onHand - committed - held, then the own reserve, the buffer and the pool retailers share',
  properties: {
    onHand: { type: 'integer' }, committed: { type: 'integer' }, held: { type: 'integer' }, atp: { type: 'integer' },
    ownReserve: { type: 'integer' }, afterReserve: { type: 'integer' }, buffer: { type: 'integer' }, bufferPercent: { type: 'number' },
    pool: { type: 'integer' }, deactivated: { type: 'boolean' }, deactivatedReason: { type: 'string' },
    shown: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Units shown per retailer id' },
    overlap: { type: 'integer' },
  },
} as const;

export const SkuViewSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    sku: { type: 'string' }, name: nullable({ type: 'string' }), category: nullable({ type: 'string' }), listed: { type: 'boolean' },
    quantities: QuantitiesSchema,
    strategy: { type: 'string' },
    velocity: { type: 'number' },
    locations: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: { locationId: { type: 'string' }, onHand: { type: 'integer' }, shared: { type: 'boolean' }, lastSetAt: nullable({ type: 'string' }) } },
    },
    stores: {
      type: 'array',
      description: 'Per listing: shown (allocation), desired (to push) and confirmed (acknowledged by the store)',
      items: {
        type: 'object', additionalProperties: false,
        properties: {
          storeId: { type: 'string' }, retailerId: { type: 'string' }, listingId: { type: 'string' }, shown: { type: 'integer' },
          desired: nullable({ type: 'integer' }), confirmed: nullable({ type: 'integer' }),
        },
      },
    },
    ledger: {
      type: 'array',
      description: 'The newest ledger lines, newest first',
      items: {
        type: 'object', additionalProperties: false,
        properties: {
          id: { type: 'integer' }, at: { type: 'string' }, kind: { type: 'string' }, locationId: nullable({ type: 'string' }), ref: nullable({ type: 'string' }),
          deltaOnHand: { type: 'integer' }, deltaCommitted: { type: 'integer' }, deltaHeld: { type: 'integer' },
          onHand: { type: 'integer' }, committed: { type: 'integer' }, held: { type: 'integer' }, atp: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const ImportResultSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    rows: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' }, failed: { type: 'integer' },
    errors: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: { line: { type: 'integer' }, field: { type: 'string' }, message: { type: 'string' } } },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;
