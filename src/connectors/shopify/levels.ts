/** Reading `available` levels: by item id (nodes, 250 a call) or every item of the store, page by page. */
import { DropsyncError } from '../../domain/errors.ts';
import type { LevelReading } from '../types.ts';
import { BulkFailure, readAllLevelsBulk, type BulkOptions } from './bulk.ts';
import type { CallResult, ShopifyClient } from './client.ts';
import { LEVELS_BY_ID, LEVELS_BY_ID_MAX, LEVELS_PAGE, levelsByIdCost, levelsPageCost } from './documents.ts';

type LevelNode = { id: string; inventoryLevel: { quantities: { name: string; quantity: number }[] } | null } | null;

type LevelsPage = { inventoryItems: { nodes: LevelNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

function reading(node: LevelNode | Record<string, never>): LevelReading | null {
  if (!node || !('id' in node) || !node.inventoryLevel) return null;
  const q = node.inventoryLevel.quantities.find((x) => x.name === 'available');
  return q ? { externalId: node.id, quantity: q.quantity } : null;
}

/** Levels of the given items at one location; items unknown or not stocked there are left out. */
export async function readLevelsById(
  client: ShopifyClient,
  ids: string[],
  locationId: string,
  mode: 'wait' | 'nowait' = 'wait',
): Promise<LevelReading[] | 'throttled'> {
  const out: LevelReading[] = [];
  for (let i = 0; i < ids.length; i += LEVELS_BY_ID_MAX) {
    const chunk = ids.slice(i, i + LEVELS_BY_ID_MAX);
    const res = await client.call<{ nodes: LevelNode[] }>(LEVELS_BY_ID, { ids: chunk, locationId }, levelsByIdCost(chunk.length), mode);
    if (res.kind === 'throttled') return 'throttled';
    for (const node of res.data.nodes) {
      const r = reading(node ?? null);
      if (r) out.push(r);
    }
  }
  return out;
}

/**
 * Shopify's cursor pagination stops at 25,000 objects (since 2026-01): past that only a bulk operation reads a
 * whole connection, so paging never goes beyond it.
 */
export const PAGING_LIMIT = 25_000;

/**
 * Every item's level, page by page; gives up with 'large' once `stopAfter` items (at most PAGING_LIMIT) were read
 * and more remain.
 */
export async function readAllLevels(client: ShopifyClient, locationId: string, stopAfter = PAGING_LIMIT): Promise<LevelReading[] | 'large'> {
  stopAfter = Math.min(stopAfter, PAGING_LIMIT);
  const out: LevelReading[] = [];
  let seen = 0;
  let after: string | null = null;
  for (;;) {
    const res: CallResult<LevelsPage> = await client.call<LevelsPage>(
      LEVELS_PAGE,
      { first: 250, after, locationId },
      levelsPageCost(250),
      'wait',
    );
    if (res.kind === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the level read');
    for (const node of res.data.inventoryItems.nodes) {
      const r = reading(node);
      if (r) out.push(r);
    }
    seen += res.data.inventoryItems.nodes.length;
    const page: LevelsPage['inventoryItems']['pageInfo'] = res.data.inventoryItems.pageInfo;
    if (!page.hasNextPage || !page.endCursor) return out;
    if (seen >= stopAfter) return 'large';
    after = page.endCursor;
  }
}

export interface LevelReadPolicy {
  /** Catalogues with at least this many items are read with a bulk operation. */
  bulkThreshold: number;
  bulk?: BulkOptions;
  /** Called with the reason when a bulk read failed and paging took over. */
  onBulkFailure?: (reason: string) => void;
}

/**
 * Reads every level, choosing paging or a bulk operation. The catalogue size is learnt as it goes: the first
 * read pages until it has seen `bulkThreshold` items and more remain, then switches to bulk; later reads go
 * straight to bulk while the last count was at or above the threshold. Small catalogues page exactly as before.
 * A failed bulk read falls back to paging the whole catalogue.
 */
export class AllLevelsReader {
  private lastCount: number | null = null;

  constructor(
    private readonly client: ShopifyClient,
    private readonly locationId: string,
    private readonly policy: LevelReadPolicy,
  ) {}

  async read(): Promise<LevelReading[]> {
    const threshold = Math.min(this.policy.bulkThreshold, PAGING_LIMIT);
    if (this.lastCount === null || this.lastCount < threshold) {
      const paged = await readAllLevels(this.client, this.locationId, threshold);
      if (paged !== 'large') {
        this.lastCount = paged.length;
        return paged;
      }
    }
    try {
      const readings = await readAllLevelsBulk(this.client, this.locationId, this.policy.bulk);
      this.lastCount = readings.length;
      return readings;
    } catch (err) {
      // Upstream errors (e.g. a version without bulk queries rejecting the document) page too; an invalid token does not.
      const fallback = err instanceof BulkFailure || (err instanceof DropsyncError && err.kind === 'upstream');
      if (!fallback) throw err;
      this.policy.onBulkFailure?.((err as Error).message);
      const paged = await readAllLevels(this.client, this.locationId);
      if (paged === 'large') {
        throw new DropsyncError('upstream', `the store has more than ${PAGING_LIMIT} items, past Shopify's paging limit, and the bulk read failed: ${(err as Error).message}`);
      }
      this.lastCount = paged.length;
      return paged;
    }
  }
}
