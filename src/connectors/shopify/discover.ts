/**
 * Connecting a store: pick the location, find the inventory items of the supplier's SKUs (50 SKUs per search,
 * paged), report what cannot be mapped, and subscribe to the webhooks dropsync needs.
 * SKUs are matched exactly. Shopify's search is looser (case, spaces), so store SKUs that differ from a
 * supplier SKU only in case or surrounding whitespace are reported as `case_mismatch`, never merged; an SKU
 * carried by several items is reported as `duplicate` and left unmapped, since a push could not pick one.
 */
import { systemClock } from '../../clock.ts';
import { DropsyncError, invalid } from '../../domain/errors.ts';
import { ShopifyClient, type CallResult } from './client.ts';
import { DISCOVER_ITEMS, discoverCost, LOCATIONS, LOCATIONS_COST } from './documents.ts';
import { checkCallbackUri, ensureSubscriptions } from './subscriptions.ts';
import type { ConnectOptions, ConnectResult, DiscoveryProblem, Listing } from './types.ts';

const SKUS_PER_SEARCH = 50;
/** Room for duplicates and near matches in one page; more are paged. */
const DISCOVER_PAGE = 60;

interface FoundItem {
  id: string;
  sku: string | null;
  inventoryLevel: { quantities: { name: string; quantity: number }[] } | null;
}

type ItemsPage = { inventoryItems: { nodes: FoundItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const norm = (s: string) => s.trim().toLowerCase();
const quote = (s: string) => `"${s.trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export async function connectShopifyStore(opts: ConnectOptions, skus: string[]): Promise<ConnectResult> {
  if (!opts.shopDomain) throw invalid('shopDomain', 'required');
  if (!opts.accessToken) throw invalid('accessToken', 'required');
  // An address Shopify would refuse is refused before anything is read or made.
  if (opts.webhookCallbackUrl) checkCallbackUri(opts.webhookCallbackUrl, opts.allowHttpWebhooks);
  const client = new ShopifyClient({ ...opts, clock: opts.clock ?? systemClock });
  const locationId = opts.locationId ?? (await firstLocation(client));
  const wanted = [...new Set(skus)];
  const found = await searchSkus(client, wanted, locationId);
  const { listings, problems } = matchSkus(wanted, found, locationId);
  const webhooks: ConnectResult['webhooks'] = opts.webhookCallbackUrl
    ? (await ensureSubscriptions(client, opts.webhookCallbackUrl, { allowHttp: opts.allowHttpWebhooks ?? false })).map((s) => ({
      topic: s.topic, ok: s.status !== 'failed', ...(s.id ? { id: s.id } : {}), ...(s.error ? { error: s.error } : {}),
    }))
    : [];
  return { locationId, listings, problems, webhooks };
}

async function firstLocation(client: ShopifyClient): Promise<string> {
  const res = await client.call<{ locations: { nodes: { id: string; isActive: boolean }[] } }>(LOCATIONS, {}, LOCATIONS_COST, 'wait');
  if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify throttled the location lookup');
  const loc = res.data.locations.nodes.find((l) => l.isActive);
  if (!loc) throw new DropsyncError('not_found', 'the store has no active location', 'locationId');
  return loc.id;
}

async function searchSkus(client: ShopifyClient, skus: string[], locationId: string): Promise<FoundItem[]> {
  const byId = new Map<string, FoundItem>();
  for (let i = 0; i < skus.length; i += SKUS_PER_SEARCH) {
    const query = skus.slice(i, i + SKUS_PER_SEARCH).map((s) => `sku:${quote(s)}`).join(' OR ');
    let after: string | null = null;
    for (;;) {
      const res: CallResult<ItemsPage> = await client.call<ItemsPage>(
        DISCOVER_ITEMS,
        { first: DISCOVER_PAGE, after, query, locationId },
        discoverCost(DISCOVER_PAGE),
        'wait',
      );
      if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling discovery');
      for (const item of res.data.inventoryItems.nodes) byId.set(item.id, item);
      const info: ItemsPage['inventoryItems']['pageInfo'] = res.data.inventoryItems.pageInfo;
      if (!info.hasNextPage || !info.endCursor) break;
      after = info.endCursor;
    }
  }
  return [...byId.values()];
}

/** Pure: supplier SKUs against the items the store returned. */
export function matchSkus(skus: string[], found: FoundItem[], locationId: string): { listings: Listing[]; problems: DiscoveryProblem[] } {
  const listings: Listing[] = [];
  const problems: DiscoveryProblem[] = [];
  for (const sku of skus) {
    const exact = found.filter((f) => f.sku === sku);
    const near = found.filter((f) => f.sku !== null && f.sku !== sku && norm(f.sku) === norm(sku));
    if (near.length > 0) {
      problems.push({
        sku,
        kind: 'case_mismatch',
        detail: `store SKU${near.length > 1 ? 's' : ''} ${near.map((n) => JSON.stringify(n.sku)).join(', ')} differ only in case or spaces; not merged`,
        externalIds: near.map((n) => n.id),
        storeSkus: near.map((n) => n.sku!),
      });
    }
    if (exact.length === 0) {
      problems.push({ sku, kind: 'missing', detail: 'no inventory item with this exact SKU' });
      continue;
    }
    if (exact.length > 1) {
      problems.push({ sku, kind: 'duplicate', detail: `${exact.length} inventory items carry this SKU; not mapped`, externalIds: exact.map((e) => e.id) });
      continue;
    }
    const item = exact[0]!;
    if (!item.inventoryLevel) {
      problems.push({ sku, kind: 'not_stocked', detail: 'the item is not stocked at the location', externalIds: [item.id] });
      continue;
    }
    const available = item.inventoryLevel.quantities.find((q) => q.name === 'available')?.quantity ?? null;
    listings.push({ sku, externalId: item.id, externalLocationId: locationId, available });
  }
  return { listings, problems };
}
