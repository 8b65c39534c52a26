/** Products and variations: get, list, PUT one, and the two batch endpoints with their 100-item limit. */
import { errorBody, listParam, ok, paged, record, type ApiRequest, type ApiResult, type Route } from './api-common.ts';
import { productJson, variationJson } from './represent.ts';
import { WooError, type WooState } from './state.ts';
import type { EmProduct, EmVariation } from './types.ts';

const BATCH_LIMIT = 100;

function invalidId(): WooError {
  return new WooError(400, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
}

function slotError(id: unknown, err: unknown): Record<string, unknown> {
  const e = err instanceof WooError ? err : new WooError(500, 'internal_error', String(err));
  return { id: typeof id === 'number' ? id : 0, error: errorBody(e.code, e.message, e.status) };
}

function batchLists(body: unknown): { create: unknown[]; update: unknown[]; del: unknown[]; present: Set<string> } {
  const b = record(body);
  const present = new Set(['create', 'update', 'delete'].filter((k) => Array.isArray(b[k])));
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]) : []);
  const create = list('create');
  const update = list('update');
  const del = list('delete');
  if (create.length + update.length + del.length > BATCH_LIMIT) {
    throw new WooError(413, 'woocommerce_rest_request_entity_too_large', `Unable to accept more than ${BATCH_LIMIT} items for this request.`);
  }
  return { create, update, del, present };
}

function batchAnswer(present: Set<string>, create: unknown[], update: unknown[], del: unknown[]): ApiResult {
  const out: Record<string, unknown[]> = {};
  if (present.has('create')) out.create = create;
  if (present.has('update')) out.update = update;
  if (present.has('delete')) out.delete = del;
  return ok(out);
}

function eachSlot(items: unknown[], fn: (item: Record<string, unknown>) => unknown): unknown[] {
  return items.map((raw) => {
    const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : raw;
    try {
      return fn(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : { id: raw });
    } catch (err) {
      return slotError(id, err);
    }
  });
}

export function productRoutes(state: WooState): Route[] {
  const product = (id: number): EmProduct => {
    const p = state.products.get(id);
    if (!p) throw new WooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    return p;
  };
  const variationOf = (parentId: number, id: number): EmVariation => {
    const v = state.variations.get(id);
    if (!v || v.parentId !== parentId) throw invalidId();
    return v;
  };
  const skuTaken = (sku: unknown) =>
    typeof sku === 'string' && sku !== '' && state.stockRows().some((r) => r.sku === sku);

  const listProducts = (req: ApiRequest): ApiResult => {
    const skus = listParam(req.query, 'sku');
    const include = listParam(req.query, 'include')?.map(Number);
    let items: Array<EmProduct | EmVariation>;
    if (skus) {
      // An exact SKU search covers variations too.
      items = [...state.products.values(), ...state.variations.values()].filter((i) => skus.includes(i.sku));
    } else {
      items = [...state.products.values()];
    }
    if (include) items = items.filter((i) => include.includes(i.id));
    const type = req.query.get('type');
    if (type) items = items.filter((i) => ('type' in i ? i.type : 'variation') === type);
    items.sort((a, b) => a.id - b.id);
    return paged(items, req, (i) => ('parentId' in i ? variationJson(i) : productJson(i)));
  };

  const listVariations = (req: ApiRequest): ApiResult => {
    const parent = product(Number(req.params[0]));
    const include = listParam(req.query, 'include')?.map(Number);
    const skus = listParam(req.query, 'sku');
    let items = parent.variationIds.map((id) => state.variations.get(id)!).filter(Boolean);
    if (include) items = items.filter((v) => include.includes(v.id));
    if (skus) items = items.filter((v) => skus.includes(v.sku));
    return paged(items, req, variationJson);
  };

  const batchProducts = (req: ApiRequest): ApiResult => {
    const { create, update, del, present } = batchLists(req.body);
    const created = eachSlot(create, (item) => {
      if (skuTaken(item.sku)) throw new WooError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.');
      const p = state.addProduct({ sku: typeof item.sku === 'string' ? item.sku : '', manageStock: false });
      if (typeof item.name === 'string') p.name = item.name;
      state.applyStockFields(p, item);
      return productJson(p);
    });
    const updated = eachSlot(update, (item) => {
      const p = state.products.get(Number(item.id));
      if (!p) throw invalidId();
      state.applyStockFields(p, item);
      return productJson(p);
    });
    const deleted = eachSlot(del, (item) => {
      const p = state.products.get(Number(item.id));
      if (!p) throw invalidId();
      for (const v of p.variationIds) state.variations.delete(v);
      state.products.delete(p.id);
      return productJson(p);
    });
    return batchAnswer(present, created, updated, deleted);
  };

  const batchVariations = (req: ApiRequest): ApiResult => {
    const parent = product(Number(req.params[0]));
    const { create, update, del, present } = batchLists(req.body);
    const created = eachSlot(create, (item) => {
      if (skuTaken(item.sku)) throw new WooError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.');
      const v = state.addVariation(parent, { sku: typeof item.sku === 'string' ? item.sku : '', manageStock: false });
      state.applyStockFields(v, item);
      return variationJson(v);
    });
    const updated = eachSlot(update, (item) => {
      const v = variationOf(parent.id, Number(item.id));
      state.applyStockFields(v, item);
      return variationJson(v);
    });
    const deleted = eachSlot(del, (item) => {
      const v = variationOf(parent.id, Number(item.id));
      state.variations.delete(v.id);
      parent.variationIds = parent.variationIds.filter((x) => x !== v.id);
      return variationJson(v);
    });
    return batchAnswer(present, created, updated, deleted);
  };

  return [
    { method: 'GET', pattern: /^products$/, handle: listProducts },
    { method: 'POST', pattern: /^products\/batch$/, handle: batchProducts },
    { method: 'GET', pattern: /^products\/(\d+)$/, handle: (req) => ok(productJson(product(Number(req.params[0])))) },
    {
      method: 'PUT',
      pattern: /^products\/(\d+)$/,
      handle: (req) => {
        const p = product(Number(req.params[0]));
        state.applyStockFields(p, record(req.body));
        return ok(productJson(p));
      },
    },
    { method: 'GET', pattern: /^products\/(\d+)\/variations$/, handle: listVariations },
    { method: 'POST', pattern: /^products\/(\d+)\/variations\/batch$/, handle: batchVariations },
    {
      method: 'GET',
      pattern: /^products\/(\d+)\/variations\/(\d+)$/,
      handle: (req) => ok(variationJson(variationOf(product(Number(req.params[0])).id, Number(req.params[1])))),
    },
    {
      method: 'PUT',
      pattern: /^products\/(\d+)\/variations\/(\d+)$/,
      handle: (req) => {
        const v = variationOf(product(Number(req.params[0])).id, Number(req.params[1]));
        state.applyStockFields(v, record(req.body));
        return ok(variationJson(v));
      },
    },
  ];
}
