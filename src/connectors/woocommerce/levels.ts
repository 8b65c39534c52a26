/** Reading stock levels: by id (`include=` lists, 100 a call) or, with no ids, the whole catalogue paged. */
import type { LevelReading } from '../types.ts';
import { parseExternalId, type WooClient } from './client.ts';

export interface WooItem {
  id: number;
  type?: string;
  sku?: string;
  parent_id?: number;
  manage_stock?: boolean;
  stock_quantity?: number | null;
}

/** Every page of a listing endpoint (per_page 100), following X-WP-TotalPages. */
export async function listAll(client: WooClient, path: string, query: Record<string, string | number> = {}): Promise<WooItem[]> {
  const out: WooItem[] = [];
  for (let page = 1; ; page++) {
    const res = await client.get<WooItem[]>(path, { ...query, per_page: 100, page });
    out.push(...res.body);
    const totalPages = Number(res.headers.get('x-wp-totalpages') ?? '1');
    if (page >= totalPages || res.body.length === 0) return out;
  }
}

function reading(externalId: string, item: WooItem): LevelReading[] {
  return typeof item.stock_quantity === 'number' ? [{ externalId, quantity: item.stock_quantity }] : [];
}

async function inChunks<T>(ids: number[], size: number, fn: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await fn(ids.slice(i, i + size))));
  return out;
}

export async function readLevels(client: WooClient, externalIds?: string[]): Promise<LevelReading[]> {
  if (!externalIds) return readCatalogue(client);
  const productIds: number[] = [];
  const byParent = new Map<number, number[]>();
  for (const e of externalIds) {
    const ref = parseExternalId(e);
    if (ref?.kind === 'product') productIds.push(ref.id);
    else if (ref?.kind === 'variation') byParent.set(ref.parentId, [...(byParent.get(ref.parentId) ?? []), ref.id]);
  }
  const out: LevelReading[] = [];
  out.push(
    ...(await inChunks(productIds, 100, async (chunk) => {
      const res = await client.get<WooItem[]>('products', { include: chunk.join(','), per_page: 100 });
      return res.body.flatMap((p) => reading(`product:${p.id}`, p));
    })),
  );
  for (const [parent, ids] of byParent) {
    out.push(
      ...(await inChunks(ids, 100, async (chunk) => {
        const res = await client.get<WooItem[]>(`products/${parent}/variations`, { include: chunk.join(','), per_page: 100 });
        return res.body.flatMap((v) => reading(`variation:${parent}:${v.id}`, v));
      })),
    );
  }
  return out;
}

async function readCatalogue(client: WooClient): Promise<LevelReading[]> {
  const out: LevelReading[] = [];
  for (const p of await listAll(client, 'products')) {
    if (p.type === 'variable') {
      for (const v of await listAll(client, `products/${p.id}/variations`)) out.push(...reading(`variation:${p.id}:${v.id}`, v));
    } else {
      out.push(...reading(`product:${p.id}`, p));
    }
  }
  return out;
}
