/** Shared fixtures of the engine tests: both databases, a fake clock, and direct inserts of config rows. */
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/store/index.ts';
import type { Db } from '../../src/store/types.ts';
import { createEngine, createSupplier, type Engine, type EngineOptions } from '../../src/engine/index.ts';

import { DATABASE_URL, openScratchSchema, serverReachable } from '../support/postgres.ts';

export { DATABASE_URL, serverReachable };

export class FakeClock {
  constructor(public t = Date.parse('2026-03-02T10:00:00.000Z')) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}


export interface Variant { name: 'pglite' | 'postgres'; open(opts?: { poolSize?: number }): Promise<{ db: Db; schema?: string; close(): Promise<void> }> }

/** Opens a fresh database: PGlite in memory, or a fresh schema on the server (dropped on close). */
export const variants: Variant[] = [
  { name: 'pglite', async open() { const db = await openDatabase(); return { db, close: () => db.close() }; } },
  {
    name: 'postgres',
    open: (opts = {}) => openScratchSchema('t', opts.poolSize ?? 10),
  },
];

export const SKIP_SERVER = `no Postgres server reachable at ${DATABASE_URL}`;

let n = 0;
const id = (p: string) => `${p}_${++n}_${randomBytes(3).toString('hex')}`;

export async function addRetailer(db: Db, supplierId: string, opts: { name?: string; floor?: number; ceiling?: number; tier?: number; conflictAction?: string; oversellCost?: number } = {}): Promise<string> {
  const rid = id('ret');
  await db.query(`insert into retailers (id, supplier_id, name, conflict_action, oversell_cost, created_at) values ($1, $2, $3, $4, $5, now())`,
    [rid, supplierId, opts.name ?? rid, opts.conflictAction ?? 'cancel', opts.oversellCost ?? 20]);
  if (opts.floor !== undefined || opts.ceiling !== undefined || opts.tier !== undefined) {
    await db.query(`insert into retailer_rules (supplier_id, retailer_id, scope, scope_key, floor, ceiling, tier) values ($1, $2, 'global', '', $3, $4, $5)`,
      [supplierId, rid, opts.floor ?? null, opts.ceiling ?? null, opts.tier ?? null]);
  }
  return rid;
}

export async function addStore(db: Db, supplierId: string, retailerId: string, opts: { platform?: string; config?: object; credentials?: string } = {}): Promise<string> {
  const sid = id('st');
  await db.query(`insert into stores (id, supplier_id, retailer_id, platform, name, config, credentials, created_at) values ($1, $2, $3, $4, $1, $5, $6, now())`,
    [sid, supplierId, retailerId, opts.platform ?? 'test', JSON.stringify(opts.config ?? {}), opts.credentials ?? null]);
  return sid;
}

/** Creates the SKUs (listed) if missing and one listing per SKU on the store; externalId = `ext-<sku>`. */
export async function addListings(db: Db, supplierId: string, storeId: string, skus: string[]): Promise<void> {
  await db.query(`insert into skus (supplier_id, sku, listed, created_at, updated_at) select $1, s, true, now(), now() from unnest($2::text[]) s on conflict do nothing`, [supplierId, skus]);
  await db.query(`insert into listings (id, supplier_id, store_id, sku, external_id, created_at) select $3 || ':' || s, $1, $3, s, 'ext-' || s, now() from unnest($2::text[]) s`, [supplierId, skus, storeId]);
}

export async function setRule(db: Db, supplierId: string, kind: string, value: unknown, scope = 'global', key = ''): Promise<void> {
  await db.query(`insert into rules (supplier_id, scope, scope_key, kind, value, updated_at) values ($1, $2, $3, $4, $5, now())
    on conflict (supplier_id, scope, scope_key, kind) do update set value = excluded.value`, [supplierId, scope, key, kind, JSON.stringify(value)]);
}

export async function newEngine(db: Db, clock: FakeClock, extra: Partial<EngineOptions> = {}): Promise<{ engine: Engine; supplierId: string }> {
  const engine = createEngine({ db, clock, reconcile: false, ...extra });
  const supplierId = await createSupplier(db, clock, { name: 'Supplier' });
  return { engine, supplierId };
}

let ev = 0;
export const evId = () => `ev-${++ev}-${randomBytes(3).toString('hex')}`;
export const at = (clock: FakeClock, offsetMs = 0) => new Date(clock.now() + offsetMs).toISOString();

/**
 * A clock and scheduler driven by hand: `advance` moves time and fires the timers that fell due, in order. Give
 * it to the engine as both `clock` and `scheduler`, and nothing in the engine waits on real time.
 */
export class ManualClock extends FakeClock {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  after(ms: number, fn: () => void): () => void {
    const t = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(t);
    return () => { this.timers = this.timers.filter((x) => x !== t); };
  }
  /** Timers waiting. */
  get pending(): number { return this.timers.length; }
  /** Timers due within `ms` from now. */
  dueWithin(ms: number): number { return this.timers.filter((x) => x.at <= this.t + ms).length; }
  override advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}

/** Waits for `ok` (polled every 10 ms), failing with `what` after `deadlineMs`. */
export async function waitFor(ok: () => boolean | Promise<boolean>, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
