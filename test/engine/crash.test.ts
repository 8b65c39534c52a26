/**
 * Crash safety on the Postgres server: a worker process ingests a stream of event batches and pushes to an
 * http-connector target; it is SIGKILLed mid-stream several times and restarted. Afterwards every event is
 * applied exactly once, and every store shows exactly its desired quantities, without overlapping pushes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signBody } from '../../src/connectors/http/index.ts';
import { createSupplier } from '../../src/engine/index.ts';
import { addListings, addRetailer, addStore, DATABASE_URL, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const SECRET = 'crash-test-secret';
const worker = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));

/** The storefront side: checks signatures, keeps a level per (store, externalId), detects overlapping pushes. */
function target() {
  const levels = new Map<string, number>();
  const inflight = new Map<string, number>();
  let overlaps = 0, badSignatures = 0, pushes = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.headers['x-dropsync-signature'] !== signBody(SECRET, raw)) { badSignatures++; res.writeHead(401).end(); return; }
      const body = JSON.parse(raw) as { type: string; storeId: string; items: { listingId: string; externalId: string; quantity: number }[] };
      if (body.type !== 'push') { res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); return; }
      pushes++;
      const n = (inflight.get(body.storeId) ?? 0) + 1;
      inflight.set(body.storeId, n);
      if (n > 1) overlaps++;
      setTimeout(() => {
        for (const i of body.items) levels.set(`${body.storeId}|${i.externalId}`, i.quantity);
        inflight.set(body.storeId, inflight.get(body.storeId)! - 1);
        res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ results: body.items.map((i) => ({ listingId: i.listingId, ok: true, quantity: i.quantity })) }));
      }, 2);
    });
  });
  return { server, levels, stats: () => ({ overlaps, badSignatures, pushes }) };
}

function startWorker(env: Record<string, string>): { child: ChildProcess; acks: number[]; ready: Promise<void>; exited: Promise<void>; dup: { events: number } } {
  const child = spawn(process.execPath, ['--import', 'tsx', worker], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const acks: number[] = [];
  const dup = { events: 0 };
  let onReady!: () => void;
  const ready = new Promise<void>((r) => { onReady = r; });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = JSON.parse(line) as { ready?: boolean; ack?: number; duplicate?: number };
    if (m.ready) onReady();
    dup.events += m.duplicate ?? 0;
    if (m.ack !== undefined) acks.push(m.ack);
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  child.stdin!.on('error', () => {});
  return { child, acks, ready, exited, dup };
}

test('crash safety: SIGKILL mid-stream, restart, exactly once and converged (postgres)', async (t) => {
  if (!(await serverReachable())) return t.skip(SKIP_SERVER);
  const { db, schema, close } = await variants[1]!.open();
  const tgt = target();
  await new Promise<void>((r) => tgt.server.listen(0, '127.0.0.1', () => r()));
  const port = (tgt.server.address() as { port: number }).port;
  try {
    const clock = { now: () => Date.now() };
    const sup = await createSupplier(db, clock, { name: 'crash' });
    const skus = Array.from({ length: 40 }, (_, i) => `C${i}`);
    const stores: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = await addStore(db, sup, await addRetailer(db, sup), { platform: 'http', config: { url: `http://127.0.0.1:${port}/push`, maxBatch: 25 }, credentials: JSON.stringify({ secret: SECRET }) });
      await addListings(db, sup, s, skus);
      stores.push(s);
    }
    // The batches, decided up front: batch 0 sets every SKU to 1000, then deltas.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const batches = [skus.map((sku) => ({ id: `set-${sku}`, sku, location: 'main', kind: 'set', quantity: 1000, occurredAt: '2026-01-01T00:00:00Z' }))];
    for (let b = 1; b < 120; b++) {
      batches.push(Array.from({ length: 20 }, (_, i) => ({
        id: `b${b}-${i}`, sku: skus[Math.floor(rand() * skus.length)]!, location: 'main', kind: 'adjust',
        delta: Math.floor(rand() * 11) - 6, occurredAt: new Date(Date.parse('2026-01-02T00:00:00Z') + b * 1000).toISOString(),
      })) as never);
    }
    const env = { DATABASE_URL, SCHEMA: schema!, SUPPLIER: sup, LEASE_MS: '1500' };
    const acked = new Set<number>();
    let next = 0, kills = 0, duplicates = 0;
    for (let life = 0; life < 5; life++) {
      const w = startWorker(env);
      await w.ready;
      const last = life === 4;
      // Replay one already acknowledged batch each life, then carry on from the first unacknowledged one.
      let sent = 0, lines = 0;
      if (acked.size > 0) {
        const replay = [...acked][Math.floor(rand() * acked.size)]!;
        w.child.stdin!.write(JSON.stringify({ seq: replay, events: batches[replay] }) + '\n');
        lines++;
      }
      const killAfter = last ? Infinity : 10 + Math.floor(rand() * 15);
      for (let seq = next; seq < batches.length; seq++) {
        if (!acked.has(seq)) { w.child.stdin!.write(JSON.stringify({ seq, events: batches[seq] }) + '\n'); sent++; lines++; }
        // Keep a few batches in flight, then stop feeding at the kill point (the last ones are not acknowledged yet).
        while (lines - w.acks.length > 4) {
          if (w.child.exitCode !== null) throw new Error('worker died on its own');
          await new Promise((r) => setTimeout(r, 2));
        }
        for (const a of w.acks) acked.add(a);
        if (sent >= killAfter) break;
      }
      if (!last) {
        w.child.kill('SIGKILL');
        kills++;
        await w.exited;
        duplicates += w.dup.events;
        for (const a of w.acks) acked.add(a);
        next = Math.min(...[...Array(batches.length).keys()].filter((s) => !acked.has(s)));
        continue;
      }
      while (acked.size < batches.length) {
        if (w.child.exitCode !== null) throw new Error('worker died on its own');
        for (const a of w.acks) acked.add(a);
        await new Promise((r) => setTimeout(r, 5));
      }
      // Converged: no dirty row, and the storefront shows every desired value.
      const until = Date.now() + 30_000;
      for (;;) {
        const dirty = await db.query<{ n: number }>(`select count(*)::int as n from desired where confirmed is distinct from desired`);
        if (dirty[0]!.n === 0) break;
        if (Date.now() > until) throw new Error(`not converged: ${dirty[0]!.n} dirty rows`);
        await new Promise((r) => setTimeout(r, 20));
      }
      w.child.stdin!.end();
      await w.exited;
      duplicates += w.dup.events;
    }

    // Exactly once: every event id recorded once; on-hand = 1000 + sum of every delta.
    const expected = new Map(skus.map((s) => [s, 1000]));
    for (const b of batches.slice(1)) for (const e of b as unknown as { sku: string; delta: number }[]) expected.set(e.sku, expected.get(e.sku)! + e.delta);
    const rows = await db.query<{ sku: string; on_hand: number }>(`select sku, on_hand from skus where supplier_id = $1`, [sup]);
    for (const r of rows) assert.equal(r.on_hand, expected.get(r.sku), `on-hand of ${r.sku}`);
    const evs = await db.query<{ n: number; ledger: number }>(
      `select (select count(*)::int from stock_events where supplier_id = $1) as n, (select count(*)::int from ledger where supplier_id = $1) as ledger`, [sup]);
    assert.equal(evs[0]!.n, 40 + 119 * 20);
    assert.equal(evs[0]!.ledger, 40 + 119 * 20, 'one ledger line per event, none for replays');
    // Converged: every store shows its desired quantity.
    const desired = await db.query<{ store_id: string; sku: string; desired: number }>(`select store_id, sku, desired from desired`);
    assert.equal(desired.length, stores.length * skus.length);
    for (const d of desired) assert.equal(tgt.levels.get(`${d.store_id}|ext-${d.sku}`), d.desired, `${d.store_id} ${d.sku}`);
    assert.equal(kills, 4);
    assert.ok(duplicates >= 20, `replayed events were acknowledged as duplicates (${duplicates})`);
    const st = tgt.stats();
    assert.equal(st.overlaps, 0);
    assert.equal(st.badSignatures, 0);
  } finally {
    await new Promise((r) => tgt.server.close(r));
    await close();
  }
});
