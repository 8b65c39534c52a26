/** JSON-schema building blocks shared by the routes, so every route documents its errors the same way. */
export const ErrorSchema = {
  $id: 'Error',
  type: 'object', additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object', additionalProperties: false,
      required: ['kind', 'message'],
      properties: {
        kind: { type: 'string', enum: ['invalid', 'not_found', 'conflict', 'unauthorized', 'forbidden', 'rate_limited', 'upstream', 'unavailable', 'internal'] },
        message: { type: 'string' },
        field: { type: 'string', description: 'The input field at fault, e.g. events[3].quantity' },
      },
    },
  },
} as const;

const errorRef = { $ref: 'Error#' } as const;

/** Adds the standard error responses to a route's success responses. */
export function responses<const T extends Record<string, unknown>>(ok: T): T & Record<'4xx' | '5xx', typeof errorRef> {
  return { ...ok, '4xx': errorRef, '5xx': errorRef };
}

export const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const nonNegInt = { type: 'integer', minimum: 0 } as const;
export const nullable = <const T extends Record<string, unknown>>(s: T) => ({ ...s, nullable: true }) as const;
export const isoDate = { type: 'string', format: 'date-time' } as const;

export const scopeEnum = { type: 'string', enum: ['category', 'sku'] } as const;

/** `/:scope/:key` of category and SKU scoped settings. */
export const scopedParams = {
  type: 'object', required: ['scope', 'key'], additionalProperties: false,
  properties: { scope: scopeEnum, key: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id } } as const;

export const pageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  after: { type: 'string', description: 'Cursor: the last id (or SKU) of the previous page' },
} as const;

export const okSchema = { type: 'object', additionalProperties: false, properties: { ok: { type: 'boolean' } } } as const;

/** Wraps an item schema in a page `{ items, next }`. */
export function page<const T extends Record<string, unknown>>(item: T) {
  return { type: 'object', additionalProperties: false, properties: { items: { type: 'array', items: item }, next: { type: 'string', nullable: true } } } as const;
}

export function nextCursor<T>(items: T[], limit: number, key: (item: T) => string): string | null {
  const last = items.at(-1);
  return items.length === limit && last !== undefined ? key(last) : null;
}
