/**
 * The supplier's own Shopify store as a stock source: its locations (id, name, active; every `Location` field but
 * `id` needs `read_locations`), `available` per (inventory item, location) for the whole catalogue with SKUs, and
 * the `inventory_levels/update` webhook turned into one level change.
 * Reading every level: each location's `inventoryLevels` connection page by page (250 levels, 753 points a page)
 * while the catalogue is small; from `bulkThreshold` levels (never more than Shopify's 25,000-object paging
 * limit) one bulk operation over `locations { inventoryLevels }` instead, learnt as the retailer levels reader
 * learns it: the first read pages until it has seen the threshold and more remain, later reads go straight to bulk
 * while the last count was at or above it. A failed bulk read pages instead.
 */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { SourceLevel, SourceLevelChange, StoreLocation } from '../types.ts';
import { BulkFailure, jsonlRows, runBulkQuery } from './bulk.ts';
import type { CallResult, ShopifyClient } from './client.ts';
import {
  BULK_SOURCE_LEVELS_QUERY,
  SOURCE_LEVELS_PAGE,
  SOURCE_LOCATIONS,
  SOURCE_LOCATIONS_COST,
  sourceLevelsPageCost,
} from './documents.ts';
import { PAGING_LIMIT, type LevelReadPolicy } from './levels.ts';

type LocationsData = { locations: { nodes: { id: string; name: string | null; isActive: boolean | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** Every location of the store, deactivated ones included (`active: false`). */
export async function listLocations(client: ShopifyClient): Promise<StoreLocation[]> {
  const out: StoreLocation[] = [];
  let after: string | null = null;
  for (;;) {
    let res: CallResult<LocationsData>;
    try {
      res = await client.call<LocationsData>(SOURCE_LOCATIONS, { after }, SOURCE_LOCATIONS_COST, 'wait');
    } catch (err) {
      // `name` is non-null: without read_locations the whole answer is null, with Shopify's access-denied error.
      if (err instanceof DropsyncError && /read_locations/.test(err.message)) throw new DropsyncError('unauthorized', `the store did not grant read_locations: ${err.message}`, 'scope');
      throw err;
    }
    if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the location list');
    const denied = res.errors.find((e) => e.extensions?.code === 'ACCESS_DENIED');
    if (denied) throw new DropsyncError('unauthorized', `the store did not grant read_locations: ${denied.message}`, 'scope');
    for (const n of res.data.locations.nodes) out.push({ externalId: n.id, name: n.name ?? '', active: n.isActive !== false });
    const page: LocationsData['locations']['pageInfo'] = res.data.locations.pageInfo;
    if (!page.hasNextPage || !page.endCursor) return out;
    after = page.endCursor;
  }
}

type LevelNode = {
  updatedAt?: string | null;
  item?: { id?: string; sku?: string | null } | null;
  quantities?: { name: string; quantity: number; updatedAt?: string | null }[] | null;
};
type LevelsData = {
  location: { id: string; inventoryLevels: { nodes: LevelNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null;
};

function toSourceLevel(node: LevelNode, locationId: string): SourceLevel | null {
  const q = node.quantities?.find((x) => x.name === 'available');
  if (!node.item?.id || !q || typeof q.quantity !== 'number') return null;
  return {
    externalId: node.item.id,
    sku: typeof node.item.sku === 'string' && node.item.sku !== '' ? node.item.sku : null,
    externalLocationId: locationId,
    available: q.quantity,
    updatedAt: q.updatedAt ?? node.updatedAt ?? null,
  };
}

const LEVELS_PAGE = 250;

/** Every level at the given locations, page by page; 'large' once `stopAfter` levels were read and more remain. */
export async function readSourceLevelsPaged(client: ShopifyClient, locationIds: string[], stopAfter = PAGING_LIMIT): Promise<SourceLevel[] | 'large'> {
  const out: SourceLevel[] = [];
  let seen = 0;
  for (const [index, locationId] of locationIds.entries()) {
    // Past the threshold with locations still to read: bulk reads the rest faster.
    if (index > 0 && seen >= stopAfter) return 'large';
    let after: string | null = null;
    let perLocation = 0;
    for (;;) {
      const res: CallResult<LevelsData> = await client.call<LevelsData>(SOURCE_LEVELS_PAGE, { locationId, first: LEVELS_PAGE, after }, sourceLevelsPageCost(LEVELS_PAGE), 'wait');
      if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the level read');
      const conn: NonNullable<LevelsData['location']>['inventoryLevels'] | undefined = res.data.location?.inventoryLevels;
      if (!conn) {
        const why = res.errors.map((e) => e.message).join('; ');
        throw new DropsyncError('not_found', `location ${locationId} could not be read${why ? `: ${why}` : ''}`, 'locationId');
      }
      for (const n of conn.nodes) {
        const r = toSourceLevel(n, locationId);
        if (r) out.push(r);
      }
      seen += conn.nodes.length;
      perLocation += conn.nodes.length;
      if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
      // Shopify's cursor pagination stops at 25,000 objects per connection; past the threshold bulk takes over.
      if (seen >= stopAfter || perLocation >= PAGING_LIMIT) return 'large';
      after = conn.pageInfo.endCursor;
    }
  }
  return out;
}

/** Parses the bulk JSONL of BULK_SOURCE_LEVELS_QUERY: location lines, then their level lines with `__parentId`. */
export function parseSourceLevelsJsonl(text: string, locationIds?: ReadonlySet<string>): SourceLevel[] {
  const out: SourceLevel[] = [];
  for (const row of jsonlRows(text)) {
    const parent = row.__parentId;
    if (typeof parent !== 'string') continue; // a location line
    if (locationIds && !locationIds.has(parent)) continue;
    const r = toSourceLevel(row as LevelNode, parent);
    if (r) out.push(r);
  }
  return out;
}

/** Reads a source store's levels, choosing paging or bulk as described at the top of this file. */
export class SourceLevelsReader {
  private lastCount: number | null = null;

  constructor(private readonly client: ShopifyClient, private readonly policy: LevelReadPolicy) {}

  async read(opts: { locationIds?: string[] } = {}): Promise<SourceLevel[]> {
    const locationIds = opts.locationIds ?? (await listLocations(this.client)).filter((l) => l.active).map((l) => l.externalId);
    if (locationIds.length === 0) return [];
    const threshold = Math.min(this.policy.bulkThreshold, PAGING_LIMIT);
    if (this.lastCount === null || this.lastCount < threshold) {
      const paged = await readSourceLevelsPaged(this.client, locationIds, threshold);
      if (paged !== 'large') {
        this.lastCount = paged.length;
        return paged;
      }
    }
    try {
      const levels = parseSourceLevelsJsonl(await runBulkQuery(this.client, BULK_SOURCE_LEVELS_QUERY, this.policy.bulk), new Set(locationIds));
      this.lastCount = levels.length;
      return levels;
    } catch (err) {
      const fallback = err instanceof BulkFailure || (err instanceof DropsyncError && err.kind === 'upstream');
      if (!fallback) throw err;
      this.policy.onBulkFailure?.((err as Error).message);
      const paged = await readSourceLevelsPaged(this.client, locationIds);
      if (paged === 'large') {
        throw new DropsyncError('upstream', `a location has more than ${PAGING_LIMIT} levels, past Shopify's paging limit, and the bulk read failed: ${(err as Error).message}`);
      }
      this.lastCount = paged.length;
      return paged;
    }
  }
}

/**
 * The REST body of `inventory_levels/update` (`inventory_item_id`, `location_id`, `available`, `updated_at`) as
 * one level change with gids. `updated_at` is the store's time of the change: a delivery older than what was
 * already applied is stale.
 */
export function parseLevelChange(body: unknown): SourceLevelChange {
  const b = (body ?? {}) as Record<string, unknown>;
  const item = b.inventory_item_id;
  const loc = b.location_id;
  if ((typeof item !== 'number' && typeof item !== 'string') || !/^\d+$/.test(String(item))) throw invalid('inventory_item_id', 'missing');
  if (typeof b.available !== 'number' || !Number.isInteger(b.available)) throw invalid('available', 'must be an integer');
  if ((typeof loc !== 'number' && typeof loc !== 'string') || !/^\d+$/.test(String(loc))) throw invalid('location_id', 'missing');
  const at = typeof b.updated_at === 'string' && Number.isFinite(Date.parse(b.updated_at)) ? b.updated_at : null;
  return {
    externalId: `gid://shopify/InventoryItem/${item}`,
    externalLocationId: `gid://shopify/Location/${String(loc)}`,
    available: b.available,
    updatedAt: at,
  };
}
