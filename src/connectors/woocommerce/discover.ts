/**
 * Connecting a store: map the supplier's SKUs onto products and variations by a full paged listing, report
 * what does not map cleanly (missing, duplicated, differing only in case or whitespace: never merged), and
 * make sure the `order.created` / `order.updated` webhooks exist and are active.
 */
import { systemClock } from '../../clock.ts';
import type { Clock } from '../../domain/types.ts';
import { toDropsyncError as asDropsyncError, WooClient } from './client.ts';
import { listAll, type WooItem } from './levels.ts';
import type { WooConnectResult, WooListing, WooProblem, WooStoreParams, WooWebhookCheck, WooWebhookState } from './types.ts';

export const WOO_WEBHOOK_TOPICS = ['order.created', 'order.updated'] as const;

export interface WooConnectDeps {
  clock?: Clock;
  fetch?: typeof fetch;
}

function clientFor(params: WooStoreParams, deps: WooConnectDeps): WooClient {
  return new WooClient({ ...params, clock: deps.clock ?? systemClock, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
}

const normalise = (sku: string) => sku.trim().toLowerCase();

interface Candidate {
  sku: string;
  externalId: string;
  quantity: number | null;
  variableParent: boolean;
}

async function catalogue(client: WooClient): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const q = (i: WooItem) => (typeof i.stock_quantity === 'number' ? i.stock_quantity : null);
  for (const p of await listAll(client, 'products')) {
    if (p.type === 'variable') {
      if (p.sku) out.push({ sku: p.sku, externalId: `product:${p.id}`, quantity: q(p), variableParent: true });
      for (const v of await listAll(client, `products/${p.id}/variations`)) {
        if (v.sku) out.push({ sku: v.sku, externalId: `variation:${p.id}:${v.id}`, quantity: q(v), variableParent: false });
      }
    } else if (p.sku) {
      out.push({ sku: p.sku, externalId: `product:${p.id}`, quantity: q(p), variableParent: false });
    }
  }
  return out;
}

/** Pure matching of wanted SKUs against the store's items. */
export function matchSkus(skus: string[], items: Candidate[]): { listings: WooListing[]; problems: WooProblem[] } {
  const exact = new Map<string, Candidate[]>();
  const loose = new Map<string, Candidate[]>();
  for (const c of items) {
    exact.set(c.sku, [...(exact.get(c.sku) ?? []), c]);
    loose.set(normalise(c.sku), [...(loose.get(normalise(c.sku)) ?? []), c]);
  }
  const listings: WooListing[] = [];
  const problems: WooProblem[] = [];
  for (const sku of new Set(skus)) {
    const hits = exact.get(sku) ?? [];
    const stockItems = hits.filter((c) => !c.variableParent);
    if (stockItems.length === 1) {
      listings.push({ sku, externalId: stockItems[0]!.externalId, quantity: stockItems[0]!.quantity });
    } else if (stockItems.length > 1) {
      problems.push({ sku, kind: 'duplicated', externalIds: stockItems.map((c) => c.externalId) });
    } else if (hits.length > 0) {
      problems.push({ sku, kind: 'variable_parent', externalId: hits[0]!.externalId });
    } else {
      const near = (loose.get(normalise(sku)) ?? []).filter((c) => !c.variableParent);
      if (near.length > 0) problems.push({ sku, kind: 'near_match', candidates: near.map((c) => ({ sku: c.sku, externalId: c.externalId })) });
      else problems.push({ sku, kind: 'missing' });
    }
  }
  return { listings, problems };
}

interface WebhookJson {
  id: number;
  topic: string;
  status: string;
  delivery_url: string;
}

async function ensureWebhooks(client: WooClient, params: WooStoreParams): Promise<WooWebhookCheck> {
  const existing = (await listAll(client, 'webhooks')) as unknown as WebhookJson[];
  const check: WooWebhookCheck = { webhooks: [], created: [], reactivated: [] };
  for (const topic of WOO_WEBHOOK_TOPICS) {
    const mine = existing.filter((w) => w.topic === topic && w.delivery_url === params.webhookDeliveryUrl);
    const active = mine.find((w) => w.status === 'active');
    let state: WooWebhookState;
    if (active) {
      state = { id: active.id, topic, status: 'active' };
    } else if (mine[0]) {
      // Disabled after repeated failed deliveries (or paused by hand): switch it back on, with our secret.
      const res = await client.put<WebhookJson>(`webhooks/${mine[0].id}`, { status: 'active', secret: params.webhookSecret });
      state = { id: res.body.id, topic, status: res.body.status };
      check.reactivated.push(res.body.id);
    } else {
      const res = await client.post<WebhookJson>('webhooks', {
        name: `dropsync ${topic}`,
        topic,
        delivery_url: params.webhookDeliveryUrl,
        secret: params.webhookSecret,
        status: 'active',
      });
      state = { id: res.body.id, topic, status: res.body.status };
      check.created.push(res.body.id);
    }
    check.webhooks.push(state);
  }
  return check;
}

export async function connectWooStore(params: WooStoreParams, skus: string[], deps: WooConnectDeps = {}): Promise<WooConnectResult> {
  const client = clientFor(params, deps);
  try {
    const { listings, problems } = matchSkus(skus, await catalogue(client));
    const webhooks = await ensureWebhooks(client, params);
    return { listings, problems, webhooks };
  } catch (err) {
    throw asDropsyncError(err);
  }
}

/** Finds our webhooks that WooCommerce disabled (or that were deleted) and brings them back. */
export async function checkWooWebhooks(params: WooStoreParams, deps: WooConnectDeps = {}): Promise<WooWebhookCheck> {
  try {
    return await ensureWebhooks(clientFor(params, deps), params);
  } catch (err) {
    throw asDropsyncError(err);
  }
}
