/** Shared test helpers: a manual clock and a small GraphQL caller for the emulator. */
import type { Clock } from '../../src/domain/types.ts';
import type { ShopifyEmulator } from '../../src/emulators/shopify/index.ts';

export class ManualClock implements Clock {
  constructor(public t = Date.parse('2026-11-26T12:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  /** A sleep that moves this clock instead of waiting. */
  sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}

export interface GqlAnswer {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  extensions: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
}

export async function gql(emu: ShopifyEmulator, query: string, variables: Record<string, unknown> = {}, version = '2026-10'): Promise<GqlAnswer> {
  const res = await fetch(`${emu.url}/admin/api/${version}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': emu.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as GqlAnswer;
}

export const SET = `mutation S($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange item { id } } }
    userErrors { code field message }
  }
}`;

export function itemGid(emu: ShopifyEmulator, sku: string): string {
  const row = emu.control.levels(sku)[0];
  if (!row) throw new Error(`no ${sku}`);
  return row.inventoryItemId;
}
