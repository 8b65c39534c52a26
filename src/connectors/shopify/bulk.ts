/**
 * Reading every `available` level with one bulk query operation instead of paging: start it, poll
 * `currentBulkOperation` (each poll through the throttle model), download the JSONL and parse it.
 * Any failure comes back as a `BulkFailure` so the caller can fall back to paging.
 */
import type { LevelReading } from '../types.ts';
import type { ShopifyClient } from './client.ts';
import { BULK_POLL, BULK_POLL_COST, BULK_RUN, BULK_RUN_COST, bulkLevelsQuery } from './documents.ts';

export class BulkFailure extends Error {}

export interface BulkOptions {
  /** Pause between polls, ms. Shopify suggests polling every few seconds; the emulator finishes on the first. */
  pollIntervalMs?: number;
  /** Give up (and page instead) after this many polls. */
  maxPolls?: number;
}

type RunData = {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { code: string | null; field: string[] | null; message: string }[];
  } | null;
};
type PollData = {
  currentBulkOperation: { id: string; status: string; errorCode: string | null; objectCount: string; url: string | null } | null;
};

export async function readAllLevelsBulk(client: ShopifyClient, locationId: string, opts: BulkOptions = {}): Promise<LevelReading[]> {
  const run = await client.call<RunData>(BULK_RUN, { query: bulkLevelsQuery(locationId) }, BULK_RUN_COST, 'wait');
  if (run.kind === 'throttled') throw new BulkFailure('throttled starting the bulk query');
  const payload = run.data.bulkOperationRunQuery;
  const started = payload?.bulkOperation;
  if (!started) {
    throw new BulkFailure(`bulk query refused: ${payload?.userErrors.map((e) => `${e.code ?? ''} ${e.message}`).join('; ') || run.errors.map((e) => e.message).join('; ')}`);
  }
  const interval = opts.pollIntervalMs ?? 2_000;
  for (let poll = 0; poll < (opts.maxPolls ?? 300); poll++) {
    if (poll > 0) await client.pause(interval);
    const res = await client.call<PollData>(BULK_POLL, {}, BULK_POLL_COST, 'wait');
    if (res.kind === 'throttled') throw new BulkFailure('throttled polling the bulk query');
    const op = res.data.currentBulkOperation;
    // Another app-level bulk query replaced ours: ours is gone from view, so page instead.
    if (!op || op.id !== started.id) throw new BulkFailure('the bulk query is no longer the current one');
    if (op.status === 'RUNNING' || op.status === 'CREATED') continue;
    if (op.status !== 'COMPLETED') throw new BulkFailure(`bulk query ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ''}`);
    // A completed query with no objects has no file.
    if (!op.url) return [];
    let text: string;
    try {
      text = await client.download(op.url);
    } catch (err) {
      throw new BulkFailure(`bulk result download failed: ${(err as Error).message}`);
    }
    return parseLevelsJsonl(text);
  }
  throw new BulkFailure('bulk query still running after the last poll');
}

/** One line per inventory item: `{"id":..,"inventoryLevel":{"quantities":[{"name":"available","quantity":n}]}}`. */
export function parseLevelsJsonl(text: string): LevelReading[] {
  const out: LevelReading[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let row: { id?: unknown; __parentId?: unknown; inventoryLevel?: { quantities?: { name: string; quantity: number }[] } | null };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new BulkFailure('the bulk result is not valid JSONL');
    }
    if (typeof row.id !== 'string' || row.__parentId !== undefined || !row.inventoryLevel) continue;
    const q = row.inventoryLevel.quantities?.find((x) => x.name === 'available');
    if (q && typeof q.quantity === 'number') out.push({ externalId: row.id, quantity: q.quantity });
  }
  return out;
}
