/** Reading `available` levels: by item id (nodes, 250 a call) or every item of the store, page by page. */
import { DropsyncError } from '../../domain/errors.ts';
import type { LevelReading } from '../types.ts';
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

export async function readAllLevels(client: ShopifyClient, locationId: string): Promise<LevelReading[]> {
  const out: LevelReading[] = [];
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
    const page: LevelsPage['inventoryItems']['pageInfo'] = res.data.inventoryItems.pageInfo;
    if (!page.hasNextPage || !page.endCursor) return out;
    after = page.endCursor;
  }
}
