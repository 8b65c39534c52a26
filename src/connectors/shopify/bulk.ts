/**
 * Reading every `available` level with one bulk query operation instead of paging: start it, poll it by its own
 * id with `node(id:)` (each poll through the throttle model), download the JSONL and parse it. Since 2026-01 up to
 * five bulk operations may run per app and shop, so other operations (ours on other readers, or the app's others)
 * never get in the way; a start refused with LIMIT_REACHED or OPERATION_IN_PROGRESS is retried after a pause.
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
  /** Starts retried while five operations already run (LIMIT_REACHED), default 5. */
  maxStartAttempts?: number;
}

type RunData = {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: { code: string | null; field: string[] | null; message: string }[];
  } | null;
};
type PollData = {
  node: { id?: string; status?: string; errorCode?: string | null; objectCount?: string; url?: string | null } | null;
};

async function start(client: ShopifyClient, query: string, opts: BulkOptions): Promise<{ id: string; status: string }> {
  const attempts = opts.maxStartAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const run = await client.call<RunData>(BULK_RUN, { query }, BULK_RUN_COST, 'wait');
    if (run.kind === 'throttled') throw new BulkFailure('throttled starting the bulk query');
    const payload = run.data.bulkOperationRunQuery;
    if (payload?.bulkOperation) return payload.bulkOperation;
    const busy = payload?.userErrors.some((e) => e.code === 'LIMIT_REACHED' || e.code === 'OPERATION_IN_PROGRESS');
    if (busy && attempt < attempts) {
      await client.pause(opts.pollIntervalMs ?? 2_000);
      continue;
    }
    throw new BulkFailure(`bulk query refused: ${payload?.userErrors.map((e) => `${e.code ?? ''} ${e.message}`).join('; ') || run.errors.map((e) => e.message).join('; ')}`);
  }
}

/** Runs one bulk query to completion and returns its JSONL text ('' when it found no objects). */
export async function runBulkQuery(client: ShopifyClient, query: string, opts: BulkOptions = {}): Promise<string> {
  const started = await start(client, query, opts);
  const interval = opts.pollIntervalMs ?? 2_000;
  for (let poll = 0; poll < (opts.maxPolls ?? 300); poll++) {
    if (poll > 0) await client.pause(interval);
    const res = await client.call<PollData>(BULK_POLL, { id: started.id }, BULK_POLL_COST, 'wait');
    if (res.kind === 'throttled') throw new BulkFailure('throttled polling the bulk query');
    const op = res.data.node;
    if (!op || op.id !== started.id || !op.status) throw new BulkFailure(`bulk operation ${started.id} not found`);
    if (op.status === 'RUNNING' || op.status === 'CREATED') continue;
    if (op.status !== 'COMPLETED') throw new BulkFailure(`bulk query ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ''}`);
    // A completed query with no objects has no file.
    if (!op.url) return '';
    try {
      return await client.download(op.url);
    } catch (err) {
      throw new BulkFailure(`bulk result download failed: ${(err as Error).message}`);
    }
  }
  throw new BulkFailure('bulk query still running after the last poll');
}

export async function readAllLevelsBulk(client: ShopifyClient, locationId: string, opts: BulkOptions = {}): Promise<LevelReading[]> {
  return parseLevelsJsonl(await runBulkQuery(client, bulkLevelsQuery(locationId), opts));
}

/** Each JSONL line as an object; a line that is not JSON fails the whole read. */
export function jsonlRows(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      throw new BulkFailure('the bulk result is not valid JSONL');
    }
  }
  return out;
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
