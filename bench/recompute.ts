/**
 * A global rule change at 100,000 SKUs x 20 stores (20,000 x 20 with --quick), on the Postgres server: the
 * `rules.set` command writes the rule and recomputes every SKU in one transaction, 2,000,000 desired rows
 * rewritten. Measured in a fresh process: its peak RSS (target < 300 MB) against the same process idle just
 * before (the baseline), how long the command takes, and the size of the live `desired` event it emits (which
 * carries counts, not changes). The engine is not started: this is the command's memory, not the dispatcher's
 * (bench/engine.ts measures pushing a backlog of this size).
 *
 * `node --import tsx bench/recompute.ts [--quick]` runs it alone.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createCommands } from '../src/app/index.ts';
import { createEngine, createSupplier, type DesiredEvent } from '../src/engine/index.ts';
import { createSealer } from '../src/security/index.ts';
import { openDatabase, type Db } from '../src/store/index.ts';
import { sampleRss, type BenchOptions, type BenchSection, type Measurement } from './lib/index.ts';
import { DATABASE_URL, openScratchSchema, serverReachable } from '../test/support/postgres.ts';

const STORES = 20;
const TARGET_MB = 300;
const clock = { now: () => Date.now() };

/** A supplier with `skus` listed SKUs of 100 units each on `STORES` stores, every desired row written (showing 100). */
async function seed(db: Db, skus: number): Promise<string> {
  const supplierId = await createSupplier(db, clock, { name: 'bench recompute' });
  const stores = Array.from({ length: STORES }, (_, i) => `${supplierId}-st${i}`);
  await db.query(`insert into retailers (id, supplier_id, name, created_at) select s || '-r', $1, s, now() from unnest($2::text[]) s`, [supplierId, stores]);
  await db.query(`insert into stores (id, supplier_id, retailer_id, platform, name, config, created_at)
    select s, $1, s || '-r', 'test', s, '{}', now() from unnest($2::text[]) s`, [supplierId, stores]);
  await db.query(`insert into skus (supplier_id, sku, listed, on_hand, created_at, updated_at)
    select $1, 'SKU-' || lpad(g::text, 6, '0'), true, 100, now(), now() from generate_series(0, $2 - 1) g`, [supplierId, skus]);
  for (const s of stores) {
    await db.query(`insert into listings (id, supplier_id, store_id, sku, external_id, created_at)
      select $2 || ':' || sku, $1, $2, sku, 'x-' || sku, now() from skus where supplier_id = $1`, [supplierId, s]);
    // Each store already shows the whole pool (100): the rule change below rewrites every row.
    await db.query(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, external_id, version, confirmed, confirmed_at)
      select id, supplier_id, store_id, sku, 100, now(), external_id, 1, 100, now() from listings where store_id = $1`, [s]);
  }
  await db.query('analyze');
  return supplierId;
}

interface ChildResult { baselineMb: number; peakMb: number; seconds: number; rows: number; eventBytes: number }

/** In a fresh process: the command over the seeded schema, with RSS sampled every 20 ms. */
async function measure(schema: string, supplierId: string): Promise<ChildResult> {
  const db = await openDatabase({ databaseUrl: DATABASE_URL, schema, poolSize: 2 });
  try {
    const engine = createEngine({ db, clock, reconcile: false });
    let eventBytes = 0;
    let rows = 0;
    engine.on('desired', (p) => { eventBytes = JSON.stringify(p).length; rows = (p as DesiredEvent).count; });
    const commands = createCommands({ db, clock, engine, sealer: createSealer(randomBytes(32)) });
    const actor = { supplierId, retailerId: null };
    // Warm the code paths on one SKU, so the baseline is the process ready to work, not still loading modules.
    await commands.rules.set(actor, 'sku', 'SKU-000000', { threshold: 0 });
    global.gc?.();
    const baselineMb = process.memoryUsage.rss() / 2 ** 20;
    const rss = sampleRss(20);
    const t0 = performance.now();
    await commands.rules.set(actor, 'global', '', { ownReserve: { units: 10 } });
    const seconds = (performance.now() - t0) / 1000;
    return { baselineMb, peakMb: rss.stop(), seconds, rows, eventBytes };
  } finally {
    await db.close();
  }
}

function inChild(schema: string, supplierId: string, opts: BenchOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--child', schema, supplierId],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => opts.log(String(c).trimEnd()));
    child.on('exit', (code) => {
      try { resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as ChildResult); } catch { reject(new Error(`recompute child exited ${code}`)); }
    });
  });
}

export async function run(opts: BenchOptions): Promise<BenchSection[]> {
  const title = 'A global rule change on the Postgres server';
  if (!(await serverReachable())) return [{ title, measurements: [], notes: [`skipped: no server at ${DATABASE_URL}`] }];
  const skus = opts.quick ? 20_000 : 100_000;
  const h = await openScratchSchema('bench_rc', 4);
  try {
    opts.log(`seeding ${skus.toLocaleString('en')} SKUs x ${STORES} stores`);
    const t0 = performance.now();
    const supplierId = await seed(h.db, skus);
    opts.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s; measuring in a fresh process`);
    const r = await inChild(h.schema, supplierId, opts);
    const size = `${skus.toLocaleString('en')} SKUs x ${STORES} stores`;
    const measurements: Measurement[] = [
      {
        name: `peak RSS during rules.set global (${size}, ${r.rows.toLocaleString('en')} desired rows rewritten in one transaction)`,
        unit: 'MB', median: r.peakMb, samples: 1,
        baseline: { name: 'the same process idle just before', value: r.baselineMb },
        note: `target < ${TARGET_MB} MB: ${r.peakMb < TARGET_MB ? 'met' : 'NOT met'}`,
      },
      { name: `rules.set global, ${size}: time to commit`, unit: 's', median: r.seconds, samples: 1, note: `${Math.round(r.rows / r.seconds).toLocaleString('en')} rows/s` },
      { name: 'the desired event it emitted, serialized (counts per store, no rows)', unit: 'bytes', median: r.eventBytes, samples: 1 },
    ];
    return [{
      title, measurements,
      notes: ['RSS sampled every 20 ms in a fresh process (node --expose-gc, a gc before the baseline); the engine is not started, so the figure is the command alone.'],
    }];
  } finally {
    await h.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') {
    const out = await measure(process.argv[3]!, process.argv[4]!);
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
  }
  const sections = await run({ quick: process.argv.includes('--quick'), log: (l) => process.stderr.write(`${l}\n`) });
  for (const s of sections) {
    console.log(`\n## ${s.title}`);
    for (const m of s.measurements) console.log(`${m.name}: ${m.median.toFixed(1)} ${m.unit}${m.baseline ? ` (baseline ${m.baseline.value.toFixed(1)})` : ''}${m.note ? `  ${m.note}` : ''}`);
    for (const n of s.notes ?? []) console.log(n);
  }
  process.exit(0);
}
