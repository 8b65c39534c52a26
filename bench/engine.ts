/**
 * Engine benchmark: ingest throughput (single events and batches of 1,000), event-to-acknowledged lag at 5 and
 * 50 stores under a steady 200 events/s, and peak RSS with 100,000 SKUs x 20 stores of desired rows; on PGlite
 * and on the Postgres server (DATABASE_URL), against a counting connector with zero latency. pgbench (simple
 * update, -N) on a scratch database is the ceiling the batched ingest is compared with.
 *
 *   node --import tsx bench/engine.ts [--quick] [--only pglite|postgres] [--lag-only] [--lag-seconds N]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { registerConnector } from '../src/connectors/registry.ts';
import type { Connector, PushItem } from '../src/connectors/types.ts';
import { createEngine, createSupplier, type DesiredEvent, type Engine } from '../src/engine/index.ts';
import { openDatabase, type Db } from '../src/store/index.ts';
import { sampleRss, summarize, type BenchOptions, type BenchSection, type Measurement } from './lib/index.ts';

import { DATABASE_URL, openScratchSchema, serverReachable as reachable } from '../test/support/postgres.ts';
const clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Zero-latency connector that acknowledges everything and keeps only counts (memory stays flat). */
let acknowledged = 0;
registerConnector('test', (store) => ({
  platform: 'test',
  maxBatch: typeof store.config.maxBatch === 'number' ? store.config.maxBatch : 250,
  async push(items: PushItem[]) {
    acknowledged += items.length;
    return { items: items.map((i) => ({ listingId: i.listingId, ok: true as const, quantity: i.quantity })) };
  },
  async readLevels() { return []; },
  async fetchOrders(cursor) { return { orders: [], cursor }; },
  async compensate() { return { cancelled: false, detail: 'bench' }; },
  rateLimit() { return { waitMs: 0 }; },
} satisfies Connector));

/**
 * lagOnly: only the lag phases (for working on dispatch), no ingest rates, pgbench or RSS.
 * lagSeconds: the measured window of each lag phase (default 3 quick, 5 full).
 */
type EngineBenchOptions = BenchOptions & { lagOnly?: boolean; lagSeconds?: number };

/** Busy and total CPU time of the whole machine so far (ms, from /proc/stat; null off Linux). */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: (total - idle) * 10, total: total * 10 };
  } catch {
    return null;
  }
}

/**
 * Starts measuring CPU `afterMs` from now; the returned function says how busy the machine and this process were
 * between then and the call, in cores ('' off Linux). The cores a machine has are the ceiling every figure here
 * runs into.
 */
function cpuMeter(afterMs: number): () => string {
  let start: { machine: { busy: number; total: number } | null; self: NodeJS.CpuUsage; at: number } | null = null;
  setTimeout(() => { start = { machine: machineCpu(), self: process.cpuUsage(), at: Date.now() }; }, afterMs).unref();
  return () => {
    const s = start as typeof start;
    const m1 = machineCpu();
    if (!s?.machine || !m1) return '';
    const span = Date.now() - s.at;
    const self = process.cpuUsage(s.self);
    return `machine CPU busy ${((m1.busy - s.machine.busy) / span).toFixed(2)} of ${Math.round((m1.total - s.machine.total) / span)} cores, ` +
      `this process ${((self.user + self.system) / 1000 / span).toFixed(2)}`;
  };
}

interface Handle { db: Db; close(): Promise<void> }

async function open(kind: 'pglite' | 'postgres', dataDir?: string): Promise<Handle> {
  if (kind === 'pglite') {
    const db = await openDatabase(dataDir ? { dataDir } : {});
    return { db, async close() { await db.close(); if (dataDir) rmSync(dataDir, { recursive: true, force: true }); } };
  }
  return openScratchSchema('bench', 12);
}


const pad = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

/** Supplier, `stores` stores (retailers without rules: each store shows the whole pool), `skus` SKUs listed on the first `listed` stores. */
async function setup(db: Db, skus: number, stores: number, listed: number): Promise<{ supplierId: string; storeIds: string[] }> {
  const supplierId = await createSupplier(db, clock, { name: 'bench' });
  const storeIds = Array.from({ length: stores }, (_, i) => `${supplierId}-st${i}`);
  await db.query(`insert into retailers (id, supplier_id, name, created_at) select s || '-r', $1, s, now() from unnest($2::text[]) s`, [supplierId, storeIds]);
  await db.query(`insert into stores (id, supplier_id, retailer_id, platform, name, config, created_at)
    select s, $1, s || '-r', 'test', s, '{"maxBatch":250}', now() from unnest($2::text[]) s`, [supplierId, storeIds]);
  await db.query(`insert into skus (supplier_id, sku, listed, created_at, updated_at)
    select $1, 'SKU-' || lpad(g::text, 6, '0'), true, now(), now() from generate_series(0, $2 - 1) g`, [supplierId, skus]);
  await addListings(db, supplierId, storeIds.slice(0, listed));
  return { supplierId, storeIds };
}

async function addListings(db: Db, supplierId: string, storeIds: string[]): Promise<void> {
  for (const s of storeIds) {
    await db.query(`insert into listings (id, supplier_id, store_id, sku, external_id, created_at)
      select $2 || ':' || sku, $1, $2, sku, 'x-' || sku, now() from skus where supplier_id = $1`, [supplierId, s]);
  }
}

async function setAll(engine: Engine, supplierId: string, skus: number, quantity: number, tag: string): Promise<number[]> {
  const rates: number[] = [];
  for (let start = 0; start < skus; start += 1000) {
    const events = Array.from({ length: Math.min(1000, skus - start) }, (_, k) => ({
      id: `${tag}-${start + k}`, sku: pad(start + k), location: 'main', kind: 'set' as const, quantity, occurredAt: new Date().toISOString(),
    }));
    const t0 = performance.now();
    await engine.ingestEvents(supplierId, events);
    rates.push(events.length / ((performance.now() - t0) / 1000));
  }
  return rates;
}

function measurement(name: string, unit: string, samples: number[], extra: Partial<Measurement> = {}): Measurement {
  const s = summarize(samples);
  return { name, unit, median: s.p50, p90: s.p90, p99: s.p99, min: s.min, max: s.max, samples: s.n, ...extra };
}

let evSeq = 0;
const adjust = (sku: number, tag: string) => ({
  id: `${tag}-${++evSeq}`, sku: pad(sku), location: 'main', kind: 'adjust' as const, delta: -1, occurredAt: new Date().toISOString(), reason: 'sale',
});

/**
 * Open-loop load: `rate` events/s for `seconds` (after a 1 s warm-up), fired on schedule whether or not earlier
 * calls have finished, so a dispatcher or ingest that falls behind shows up as lag instead of slowing the load.
 * Every desired change made in the window is waited for (the engine keeps running until nothing is dirty), so a
 * backlog cannot drop its slowest items from the figures. Returns each acknowledged item's lag (ms) from its
 * commit (SPEC section 10's sync lag) and from the arrival of its event (end to end), each call's latency, and
 * how many changes the window produced.
 */
async function steadyLag(engine: Engine, db: Db, supplierId: string, skus: number, rate: number, seconds: number): Promise<{
  lags: number[]; e2e: number[]; calls: number[]; changes: number; drainMs: number; cpu: string;
}> {
  const lags: number[] = [];
  const e2e: number[] = [];
  const calls: number[] = [];
  const warm = 1000;
  const t0 = Date.now();
  const cpuSince = cpuMeter(warm);
  let windowEnd = Infinity;
  const inWindow = (t: number) => t >= t0 + warm && t <= windowEnd;
  let changes = 0;
  // The commit of each desired write, by its desired_at (the arrival time the row carries), so the lag from the
  // commit is measured here, the same way whatever the engine reports: acknowledged - committed.
  const commits = new Map<number, number>();
  const offDesired = engine.on('desired', (p) => {
    const now = Date.now();
    const e = p as DesiredEvent;
    if (inWindow(now)) changes += e.count;
    for (const at of e.desiredAt ?? []) commits.set(Date.parse(at), now);
  });
  const offPushed = engine.on('pushed', (p) => {
    const now = Date.now();
    const { lagMs = [], e2eMs = [] } = p as { lagMs?: number[]; e2eMs?: number[] };
    lagMs.forEach((l, i) => {
      const fromArrival = e2eMs[i] ?? l;
      // An item counts when its event arrived in the window (its end-to-end lag says when that was).
      if (!inWindow(now - fromArrival)) return;
      // (the engine measured its lag a millisecond or two before this event)
      const arrived = now - fromArrival;
      const committed = [0, -1, -2, 1].map((d) => commits.get(arrived + d)).find((c) => c !== undefined);
      lags.push(committed === undefined ? l : Math.max(0, now - committed));
      e2e.push(fromArrival);
    });
  });
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let ticks = 0;
  const inflight = new Set<Promise<unknown>>();
  const total = (warm + seconds * 1000) / tickMs;
  while (ticks < total) {
    // An in-process database (PGlite) can hold the event loop for a while: fire every tick that fell due meanwhile.
    const due = Math.min(total, Math.floor((Date.now() - t0) / tickMs) + 1);
    for (; ticks < due; ticks++) {
      const events = Array.from({ length: perTick }, () => adjust(Math.floor(Math.random() * skus), 'lag'));
      const sent = Date.now();
      const p = engine.ingestEvents(supplierId, events);
      void p.then(() => { if (inWindow(sent)) calls.push(Date.now() - sent); }, () => {});
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await sleep(Math.max(0, t0 + ticks * tickMs - Date.now()));
  }
  await Promise.all(inflight);
  windowEnd = Date.now();
  const cpu = cpuSince();
  const drainStart = Date.now();
  for (;;) {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from desired where supplier_id = $1 and confirmed is distinct from desired`, [supplierId]);
    if (!row || row.n === 0 || Date.now() - drainStart > 120_000) break;
    await sleep(20);
  }
  await sleep(50);
  offDesired();
  offPushed();
  return { lags, e2e, calls, changes, drainMs: Date.now() - drainStart, cpu };
}

function pgbenchTps(seconds: number, log: (s: string) => void): number | null {
  const dbName = `dropsync_pgbench_${randomBytes(4).toString('hex')}`;
  const base = new URL(DATABASE_URL);
  const conn = ['-h', base.hostname, '-p', base.port || '5432', '-U', decodeURIComponent(base.username || 'postgres')];
  try {
    execFileSync('createdb', [...conn, dbName], { stdio: 'ignore' });
    execFileSync('pgbench', [...conn, '-i', '-s', '1', '-q', dbName], { stdio: 'ignore' });
    const out = execFileSync('pgbench', [...conn, '-N', '-c', '2', '-j', '2', '-T', String(seconds), dbName], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /tps = ([\d.]+)/.exec(out);
    return m ? Number(m[1]) : null;
  } catch (err) {
    log(`pgbench unavailable: ${(err as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    try { execFileSync('dropdb', [...conn, '--if-exists', dbName], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
}

/** Ingest throughput: sequential single-event calls, then batches of 1,000 adjust events (vs pgbench on the server). */
async function ingestRates(engine: Engine, supplierId: string, SKUS: number, opts: BenchOptions, kind: string, baseline: number | null): Promise<Measurement[]> {
  const singles = opts.quick ? 100 : 200;
  const batches = opts.quick ? 4 : 10;
  const measurements: Measurement[] = [];
  opts.log(`${kind}: ${singles} single-event calls`);
  const singleMs: number[] = [];
  for (let i = 0; i < singles; i++) {
    const t0 = performance.now();
    await engine.ingestEvents(supplierId, [adjust(Math.floor(Math.random() * SKUS), 'single')]);
    singleMs.push(performance.now() - t0);
  }
  measurements.push(measurement(`${kind}: ingest single events (1 per call, sequential)`, 'events/s', singleMs.map((ms) => 1000 / ms),
    { note: `latency p50 ${summarize(singleMs).p50.toFixed(2)} ms, p99 ${summarize(singleMs).p99.toFixed(2)} ms` }));

  opts.log(`${kind}: ${batches} batches of 1,000 adjust events`);
  const batchRates: number[] = [];
  for (let b = 0; b < batches; b++) {
    const events = Array.from({ length: 1000 }, () => adjust(Math.floor(Math.random() * SKUS), 'batch'));
    const t0 = performance.now();
    await engine.ingestEvents(supplierId, events);
    batchRates.push(1000 / ((performance.now() - t0) / 1000));
  }
  measurements.push(measurement(`${kind}: ingest adjust batches of 1,000 (random SKUs)`, 'events/s', batchRates,
    baseline !== null ? { baseline: { name: 'pgbench -N tps', value: baseline } } : {}));
  await engine.dispatchOnce();
  return measurements;
}

async function benchDb(kind: 'pglite' | 'postgres', opts: EngineBenchOptions): Promise<BenchSection> {
  const SKUS = 10_000;
  const lagSeconds = opts.lagSeconds ?? (opts.quick ? 3 : 5);
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const baseline = kind === 'postgres' && !opts.lagOnly ? pgbenchTps(opts.quick ? 5 : 10, opts.log) : null;
  if (baseline !== null) notes.push(`pgbench -N (simple update), 2 clients, scratch database: ${baseline.toFixed(0)} tps; ratio = batched events/s / pgbench tps.`);

  const h = await open(kind);
  try {
    opts.log(`${kind}: setup ${SKUS} SKUs x 5 listed stores (50 stores created)`);
    const { supplierId, storeIds } = await setup(h.db, SKUS, 50, 5);
    const engine = createEngine({ db: h.db, clock, reconcile: false, concurrency: 64, sweepMs: 1000 });
    const setRates = await setAll(engine, supplierId, SKUS, 1_000_000, 'init');
    measurements.push(measurement(`${kind}: ingest set batches of 1,000 (10k SKUs, 5 stores each)`, 'events/s', setRates));
    await engine.dispatchOnce();

    if (!opts.lagOnly) measurements.push(...await ingestRates(engine, supplierId, SKUS, opts, kind, baseline));

    for (const n of [5, 50]) {
      if (n === 50) {
        opts.log(`${kind}: listing the 10k SKUs on 45 more stores`);
        await addListings(h.db, supplierId, storeIds.slice(5));
        // Start converged: the new rows get the current value (no rules: every store shows the whole pool).
        await h.db.query(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, confirmed, confirmed_at, external_id, external_location_id)
          select l.id, l.supplier_id, l.store_id, l.sku, d.desired, now(), d.desired, now(), l.external_id, l.external_location_id from listings l
          join desired d on d.store_id = $2 and d.sku = l.sku where l.supplier_id = $1 and l.store_id <> all($3::text[])`,
          [supplierId, storeIds[0], storeIds.slice(0, 5)]);
        // Bulk-loaded tables: vacuum and refresh statistics as autovacuum would shortly after such a load, so
        // the measurement is of steady operation, not of a vacuum of the setup running beside it.
        await h.db.query('vacuum analyze');
      }
      opts.log(`${kind}: lag at ${n} stores, 200 events/s for ${lagSeconds} s`);
      await engine.start();
      const { lags, e2e, calls, changes, drainMs, cpu } = await steadyLag(engine, h.db, supplierId, SKUS, 200, lagSeconds);
      await engine.stop();
      const s = summarize(lags);
      const a = summarize(e2e);
      const c = summarize(calls);
      measurements.push({ name: `${kind}: event committed -> acknowledged lag, ${n} stores, 200 events/s`, unit: 'ms', median: s.p50, p90: s.p90, p99: s.p99, max: s.max, samples: s.n,
        note: `${changes.toLocaleString('en')} desired changes in the window, ${s.n.toLocaleString('en')} acknowledged at their value; backlog drained ${drainMs} ms after the load stopped${cpu ? `; ${cpu}` : ''}` });
      measurements.push({ name: `${kind}: event arrived -> acknowledged lag, ${n} stores, 200 events/s`, unit: 'ms', median: a.p50, p90: a.p90, p99: a.p99, max: a.max, samples: a.n,
        note: `end to end: includes the ingest call (its latency p50 ${c.p50.toFixed(0)} ms, p99 ${c.p99.toFixed(0)} ms: waiting for a transaction slot, the transaction, the commit)` });
    }
  } finally {
    await h.close();
  }
  return { title: `Engine on ${kind === 'pglite' ? 'PGlite (embedded, in memory)' : 'the Postgres server'}`, measurements, notes };
}

/**
 * Peak RSS of this process while SKUs x 20 stores of desired rows are written through ingest and pushed by the
 * background dispatcher (capped in time; the figure says how many were pushed).
 */
async function benchRss(kind: 'pglite' | 'postgres', skus: number, capSeconds: number, opts: BenchOptions): Promise<Measurement> {
  const STORES = 20;
  // PGlite as deployed: in a data directory (embedded mode), not in memory.
  const h = await open(kind, kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'dropsync-bench-')) : undefined);
  const rss = sampleRss(20);
  const t0 = performance.now();
  try {
    opts.log(`${kind}: RSS run, ${skus} SKUs x ${STORES} stores`);
    const { supplierId } = await setup(h.db, skus, STORES, STORES);
    if (kind === 'postgres') await h.db.query('analyze');
    const engine = createEngine({ db: h.db, clock, reconcile: false, concurrency: 64 });
    await setAll(engine, supplierId, skus, 50, 'rss');
    const written = (performance.now() - t0) / 1000;
    const before = acknowledged;
    const t1 = performance.now();
    await engine.start();
    while (acknowledged - before < skus * STORES && performance.now() - t1 < capSeconds * 1000) await sleep(50);
    await engine.stop();
    const pushed = acknowledged - before;
    const pushSeconds = (performance.now() - t1) / 1000;
    const peak = rss.stop();
    return {
      name: `${kind}: peak RSS, ${skus.toLocaleString('en')} SKUs x ${STORES} stores of desired rows (fresh process${kind === 'pglite' ? ', data directory' : ''})`,
      unit: 'MB', median: peak, samples: 1,
      note: `${(skus * STORES).toLocaleString('en')} rows written in ${written.toFixed(0)} s (setup + ingest); ` +
        `${pushed.toLocaleString('en')} pushed in ${pushSeconds.toFixed(0)} s (${(pushed / pushSeconds).toFixed(0)} items/s)`,
    };
  } finally {
    rss.stop();
    await h.close();
  }
}

/** Runs benchRss in a fresh process so earlier phases (and PGlite's never-shrinking WASM heap) do not count. */
function rssInChild(kind: 'pglite' | 'postgres', skus: number, capSeconds: number, opts: BenchOptions): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--rss', kind, String(skus), String(capSeconds)],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => opts.log(String(c).trimEnd()));
    child.on('exit', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').pop()!) as Measurement); } catch { reject(new Error(`RSS child (${kind}) exited ${code}`)); }
    });
  });
}

export async function run(opts: EngineBenchOptions & { only?: ('pglite' | 'postgres')[] }): Promise<BenchSection[]> {
  const kinds = opts.only ?? ['pglite', 'postgres'];
  const sections: BenchSection[] = [];
  const server = await reachable();
  const rssMeasurements: Measurement[] = [];
  for (const kind of kinds) {
    if (kind === 'postgres' && !server) { sections.push({ title: 'Engine on the Postgres server', measurements: [], notes: [`skipped: no server at ${DATABASE_URL}`] }); continue; }
    sections.push(await benchDb(kind, opts));
  }
  // RSS of the engine process. The full size runs on the server (the production shape: the database elsewhere);
  // PGlite keeps the whole database in this process's memory, so it runs a smaller catalogue.
  if (opts.lagOnly) return sections;
  if (kinds.includes('postgres') && server) rssMeasurements.push(await rssInChild('postgres', opts.quick ? 20_000 : 100_000, opts.quick ? 20 : 40, opts));
  if (kinds.includes('pglite')) rssMeasurements.push(await rssInChild('pglite', opts.quick ? 5_000 : 20_000, opts.quick ? 15 : 30, opts));
  sections.push({
    title: 'Engine memory', measurements: rssMeasurements,
    notes: ['Peak resident set size of the benchmark process, sampled every 20 ms. With PGlite the whole database lives in the process.'],
  });
  return sections;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--rss') {
  const [, , , kind, skus, cap] = process.argv;
  const m = await benchRss(kind as 'pglite' | 'postgres', Number(skus), Number(cap), { quick: false, log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(JSON.stringify(m) + '\n');
  process.exit(0);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--only');
  const only = i > 0 ? (process.argv[i + 1]!.split(',') as ('pglite' | 'postgres')[]) : undefined;
  const j = process.argv.indexOf('--lag-seconds');
  const lagSeconds = j > 0 ? Number(process.argv[j + 1]) : undefined;
  const out = await run({ quick, lagOnly: process.argv.includes('--lag-only'), ...(lagSeconds ? { lagSeconds } : {}), log: (l) => process.stderr.write(`${l}\n`), ...(only ? { only } : {}) });
  for (const s of out) {
    console.log(`\n## ${s.title}`);
    for (const m of s.measurements) {
      const ratio = m.baseline ? `  (x${(m.median / m.baseline.value).toFixed(2)} of ${m.baseline.name} ${m.baseline.value.toFixed(0)})` : '';
      console.log(`${m.name}: median ${m.median.toFixed(1)} ${m.unit}${m.p99 !== undefined ? `, p90 ${m.p90?.toFixed(1)}, p99 ${m.p99.toFixed(1)}` : ''}${m.samples ? `, n=${m.samples}` : ''}${ratio}${m.note ? ` — ${m.note}` : ''}`);
    }
    for (const n of s.notes ?? []) console.log(`  ${n}`);
  }
  process.exit(0);
}
