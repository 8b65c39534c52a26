/** Orders (list by modification date, get, status change), order notes and coupons. */
import { ok, paged, record, type ApiRequest, type ApiResult, type Route } from './api-common.ts';
import { couponJson, noteJson, orderJson } from './represent.ts';
import { WooError, type WooState } from './state.ts';
import type { EmOrder } from './types.ts';

/** ISO 8601 as WordPress takes it; no zone means the site's zone, which is UTC here. */
function parseDateParam(name: string, value: string): number {
  const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms)) throw new WooError(400, 'rest_invalid_param', `Invalid parameter(s): ${name} (Invalid date.)`);
  return ms;
}

export function orderRoutes(state: WooState): Route[] {
  const listOrders = (req: ApiRequest): ApiResult => {
    const q = req.query;
    let items = [...state.orders.values()];
    const after = q.get('modified_after');
    if (after !== null) {
      // WordPress compares to the second and `after` is exclusive.
      const t = Math.floor(parseDateParam('modified_after', after) / 1000);
      items = items.filter((o) => Math.floor(o.modifiedAt / 1000) > t);
    }
    const before = q.get('modified_before');
    if (before !== null) {
      const t = Math.floor(parseDateParam('modified_before', before) / 1000);
      items = items.filter((o) => Math.floor(o.modifiedAt / 1000) < t);
    }
    const status = q.get('status');
    if (status && status !== 'any') items = items.filter((o) => status.split(',').includes(o.status));
    const orderby = q.get('orderby') ?? 'date';
    const key: Record<string, (o: EmOrder) => number> = {
      date: (o) => Math.floor(o.createdAt / 1000),
      modified: (o) => Math.floor(o.modifiedAt / 1000),
      id: (o) => o.id,
    };
    const k = key[orderby];
    if (!k) throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): orderby');
    const dir = (q.get('order') ?? 'desc') === 'asc' ? 1 : -1;
    items.sort((a, b) => dir * (k(a) - k(b) || a.id - b.id));
    return paged(items, req, orderJson);
  };

  const updateOrder = (req: ApiRequest): ApiResult => {
    const id = Number(req.params[0]);
    const body = record(req.body);
    const order = state.getOrder(id);
    const meta = Array.isArray(body.meta_data)
      ? (body.meta_data as unknown[]).flatMap((m) =>
          m && typeof m === 'object' && typeof (m as Record<string, unknown>).key === 'string'
            ? [{ key: (m as Record<string, string>).key!, value: (m as Record<string, unknown>).value }]
            : [],
        )
      : [];
    if (typeof body.status === 'string' || meta.length > 0) {
      state.setOrderStatus(id, typeof body.status === 'string' ? body.status : order.status, meta);
    }
    return ok(orderJson(state.getOrder(id)));
  };

  const addNote = (req: ApiRequest): ApiResult => {
    const body = record(req.body);
    if (typeof body.note !== 'string' || body.note === '') {
      throw new WooError(400, 'rest_missing_callback_param', 'Missing parameter(s): note');
    }
    return ok(noteJson(state.addNote(Number(req.params[0]), body.note, body.customer_note === true)), 201);
  };

  const createCoupon = (req: ApiRequest): ApiResult => {
    const body = record(req.body);
    if (typeof body.code !== 'string') throw new WooError(400, 'rest_missing_callback_param', 'Missing parameter(s): code');
    const type = typeof body.discount_type === 'string' ? body.discount_type : 'fixed_cart';
    if (!['percent', 'fixed_cart', 'fixed_product'].includes(type)) {
      throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): discount_type');
    }
    const emails = Array.isArray(body.email_restrictions) ? body.email_restrictions.filter((e): e is string => typeof e === 'string') : [];
    const coupon = state.addCoupon({
      code: body.code,
      amount: body.amount === undefined ? '0' : String(body.amount),
      discountType: type,
      usageLimit: typeof body.usage_limit === 'number' ? body.usage_limit : null,
      emailRestrictions: emails.map((e) => e.toLowerCase()),
      description: typeof body.description === 'string' ? body.description : '',
    });
    return ok(couponJson(coupon), 201);
  };

  return [
    { method: 'GET', pattern: /^orders$/, handle: listOrders },
    { method: 'GET', pattern: /^orders\/(\d+)$/, handle: (req) => ok(orderJson(state.getOrder(Number(req.params[0])))) },
    { method: 'PUT', pattern: /^orders\/(\d+)$/, handle: updateOrder },
    { method: 'POST', pattern: /^orders\/(\d+)\/notes$/, handle: addNote },
    {
      method: 'GET',
      pattern: /^orders\/(\d+)\/notes$/,
      handle: (req) => {
        const id = Number(req.params[0]);
        state.getOrder(id);
        return ok(state.notes.filter((n) => n.orderId === id).map(noteJson));
      },
    },
    { method: 'POST', pattern: /^coupons$/, handle: createCoupon },
    {
      method: 'GET',
      pattern: /^coupons$/,
      handle: (req) => {
        const code = req.query.get('code')?.toLowerCase();
        return paged(state.coupons.filter((c) => !code || c.code === code), req, couponJson);
      },
    },
  ];
}
