/**
 * Orders created or changed since a cursor, for reconciliation. The query is `updated_at:>='since'` sorted
 * by UPDATED_AT; the cursor remembers `since` and the orders already returned at exactly that instant, so a
 * boundary order is neither missed (as `>` could) nor returned again (as a bare `>=` would).
 * Each order comes with its lines' state (ordered, current, unfulfilled), tags and `sourceIdentifier`; an order
 * whose fulfilments or refunds matter is read whole with `readOrder`.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { OrdersPage, RemoteOrder } from '../types.ts';
import type { CallResult, ShopifyClient } from './client.ts';
import { ORDERS, ORDERS_PAGE, ordersCost } from './documents.ts';
import { orderFromNode, type OrderNode } from './order-state.ts';

/** Pages read per fetchOrders call; the next call continues from the returned cursor. */
const MAX_PAGES = 20;

interface Cursor {
  since: string | null;
  /** Order ids already returned whose updatedAt equals `since`. */
  seen: string[];
}

type OrdersData = { orders: { nodes: OrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

export function decodeOrdersCursor(cursor: string | null): Cursor {
  if (cursor === null) return { since: null, seen: [] };
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if ((c.since !== null && typeof c.since !== 'string') || !Array.isArray(c.seen)) throw new Error('shape');
    return c;
  } catch {
    throw new DropsyncError('invalid', 'not a Shopify orders cursor', 'cursor');
  }
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export async function fetchOrders(client: ShopifyClient, cursor: string | null): Promise<OrdersPage> {
  const start = decodeOrdersCursor(cursor);
  const query = start.since ? `updated_at:>='${start.since}'` : '';
  const seen = new Set(start.seen);
  let since = start.since;
  let atSince = new Set(start.seen);
  const orders: RemoteOrder[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res: CallResult<OrdersData> = await client.call<OrdersData>(
      ORDERS,
      { first: ORDERS_PAGE, after, query },
      ordersCost(ORDERS_PAGE),
      'wait',
    );
    if (res.kind === 'throttled') break;
    for (const node of res.data.orders.nodes) {
      if (node.updatedAt === start.since && seen.has(node.id)) continue;
      orders.push(orderFromNode(node));
      if (since === null || node.updatedAt > since) {
        since = node.updatedAt;
        atSince = new Set();
      }
      if (node.updatedAt === since) atSince.add(node.id);
    }
    const info: OrdersData['orders']['pageInfo'] = res.data.orders.pageInfo;
    if (!info.hasNextPage || !info.endCursor) break;
    after = info.endCursor;
  }
  return { orders, cursor: encode({ since, seen: [...atSince] }) };
}
