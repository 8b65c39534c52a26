/**
 * Issue 3, end to end: two real `dropsync serve` processes on one Postgres database share the stores. Every store
 * converges and no store is ever pushed by both at once, seen from the outside: a local `http` target checks the
 * signatures, keeps the levels and notes any push that starts while another to the same store is still unanswered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DATABASE_URL, serverReachable, SKIP_SERVER } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STORES = 10;
const SKUS = Array.from({ length: 20 }, (_, i) => `TS-${i}`);
const WAVES = 5;
const ROUNDS_PER_WAVE = 4; // 5 waves x 4 rounds x 20 SKUs = 400 stock events

interface Serve { child: ChildProcess; url: string; adminKey: string | null; stderr: () => string }

/**
 * Starts `dropsync serve` on a free port and adds it to `children` at once (so cleanup kills it even if it never
 * gets ready); resolves once it printed its URL (and the admin key, if it made one).
 */
function startServe(env: NodeJS.ProcessEnv, children: ChildProcess[]): Promise<Serve> {
  const child = spawn(process.execPath, ['bin/dropsync.js', 'serve', '--port', '0', '--no-web', '--log-level', 'warn'],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4000); });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before it was ready:\n${err}`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      // serve prints its human lines in one write, ending with the key when it created one.
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (!url || !out.endsWith('\n')) return;
      if (out.includes('Admin API key') && !/dsk_\S+/.test(out)) return;
      resolve({ child, url, adminKey: /(dsk_\S+)/.exec(out)?.[1] ?? null, stderr: () => err });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGCONT'); // a process frozen by a failed step must run to handle SIGTERM
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(hard); resolve(); });
    child.kill('SIGTERM');
  });
}

/** The stores' side: one path per store, signed pushes checked, levels kept, acks answered after 5-20 ms. */
function startTarget() {
  const secrets = new Map<string, string>(); // path -> secret
  const stores = new Map<string, { inFlight: number; overlaps: number; pushes: number; levels: Map<string, number> }>();
  let badRequests = 0;
  let pushes = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void (async () => {
      const raw = Buffer.concat(chunks).toString();
      const secret = secrets.get(req.url ?? '');
      const sig = secret && `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      const body = JSON.parse(raw) as { type: string; storeId: string; items?: { listingId: string; quantity: number }[]; cursor?: string | null };
      const st = stores.get(body.storeId);
      if (!sig || req.headers['x-dropsync-signature'] !== sig || req.headers['x-dropsync-store'] !== body.storeId || !st) {
        badRequests++;
        res.writeHead(401).end();
        return;
      }
      let answer: unknown;
      if (body.type === 'push') {
        pushes++;
        st.pushes++;
        if (++st.inFlight > 1) st.overlaps++;
        await new Promise((r) => setTimeout(r, 5 + Math.floor(Math.random() * 16)));
        for (const i of body.items ?? []) st.levels.set(i.listingId, i.quantity);
        st.inFlight--;
        answer = { results: (body.items ?? []).map((i) => ({ listingId: i.listingId, ok: true, quantity: i.quantity })) };
      } else if (body.type === 'levels') {
        answer = { levels: [] }; // nothing read back: reconciliation then has no drift to report
      } else if (body.type === 'orders') {
        answer = { orders: [], cursor: body.cursor ?? null };
      } else {
        answer = { cancelled: false, detail: 'not supported by this target' };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })());
  });
  return {
    server, stores, secrets,
    get badRequests() { return badRequests; },
    get pushes() { return pushes; },
    async listen(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const addr = server.address();
      if (!addr || typeof addr === 'string') throw new Error('no target address');
      return `http://127.0.0.1:${addr.port}`;
    },
  };
}

async function api<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Sum of dropsync_pushes_total over its result labels, from a server's /metrics. */
async function pushCount(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^dropsync_pushes_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm)) n += Number(m[1]);
  return n;
}

test('two `dropsync serve` processes on one Postgres: every store converges, none is pushed by both at once', { timeout: 90_000 }, async (t) => {
  if (!(await serverReachable())) return t.skip(SKIP_SERVER);
  const dbName = `two_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const dbUrl = new URL(DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const children: ChildProcess[] = [];
  const target = startTarget();
  t.after(async () => {
    await Promise.all(children.map(stopChild));
    await new Promise<void>((r) => target.server.close(() => r()));
    target.server.closeAllConnections();
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName]);
    await admin.query(`drop database if exists ${dbName}`);
    await admin.end();
  });

  const env = { DATABASE_URL: dbUrl.toString(), DROPSYNC_SECRET_KEY: randomBytes(32).toString('base64') };
  const one = await startServe(env, children);
  assert.ok(one.adminKey, 'the first process prints the admin key');
  const key = one.adminKey!;
  const two = await startServe(env, children);
  assert.equal(two.adminKey, null, 'the second process finds the key and prints none');
  assert.notEqual(one.url, two.url);
  const servers = [one.url, two.url];
  const targetUrl = await target.listen();

  // Set-up through the first server's API: SKUs, ten http stores (one path and secret each), a listing per SKU.
  for (const sku of SKUS) await api(one.url, key, 'POST', '/v1/skus', { sku, listed: true });
  const storeIds: string[] = [];
  for (let i = 0; i < STORES; i++) {
    const retailer = await api<{ id: string }>(one.url, key, 'POST', '/v1/retailers', { name: `Retailer ${i}` });
    const secret = randomBytes(16).toString('hex');
    target.secrets.set(`/store/${i}`, secret);
    const store = await api<{ id: string }>(one.url, key, 'POST', '/v1/stores', {
      retailerId: retailer.id, platform: 'http', name: `Shop ${i}`,
      config: { url: `${targetUrl}/store/${i}`, maxBatch: 7 }, credentials: { secret },
    });
    target.stores.set(store.id, { inFlight: 0, overlaps: 0, pushes: 0, levels: new Map() });
    storeIds.push(store.id);
  }
  const created = await api<{ created: number; failed: number }>(one.url, key, 'POST', '/v1/listings/batch', {
    listings: storeIds.flatMap((storeId) => SKUS.map((sku) => ({ storeId, sku, externalId: `ext-${sku}` }))),
  });
  assert.deepEqual([created.created, created.failed], [STORES * SKUS.length, 0]);

  // Converged: every listing's target level equals its desired and confirmed quantity, every queue empty.
  type SkuView = { quantities: { onHand: number }; stores: { storeId: string; listingId: string; desired: number | null; confirmed: number | null }[] };
  const pending = async (via: readonly string[] = servers): Promise<string | null> => {
    for (const [i, sku] of SKUS.entries()) {
      const view = await api<SkuView>(via[i % via.length]!, key, 'GET', `/v1/skus/${sku}`);
      if (view.stores.length !== STORES) return `${sku} has ${view.stores.length} listings`;
      for (const s of view.stores) {
        const level = target.stores.get(s.storeId)?.levels.get(s.listingId);
        if (s.desired === null || s.desired !== s.confirmed || level !== s.desired) {
          return `${s.listingId}: desired ${s.desired}, confirmed ${s.confirmed}, target ${level}`;
        }
      }
    }
    for (const [i, id] of storeIds.entries()) {
      const sync = await api<{ queueDepth: number }>(via[i % via.length]!, key, 'GET', `/v1/stores/${id}/sync`);
      if (sync.queueDepth !== 0) return `store ${id} queue depth ${sync.queueDepth}`;
    }
    return null;
  };
  const converge = async (wave: number, via: readonly string[] = servers) => {
    const until = Date.now() + 30_000;
    let why = await pending(via);
    while (why !== null) {
      if (Date.now() > until) assert.fail(`wave ${wave}: no convergence within 30 s: ${why}\n--- serve 1 ---\n${one.stderr()}\n--- serve 2 ---\n${two.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
      why = await pending(via);
    }
  };
  const sendRound = async (server: string, r: number) => {
    const events = SKUS.map((sku, i) => ({
      id: `ev-${r}-${i}`, sku, location: 'main', kind: 'set', quantity: qty(r, i), occurredAt: new Date(base + r * 1000).toISOString(),
    }));
    const res = await api<{ applied: number; stale: number; invalid: number }>(server, key, 'POST', '/v1/stock-events', { events });
    assert.equal(res.invalid, 0);
    assert.equal(res.applied + res.stale, SKUS.length);
  };

  // Stream events in waves, two rounds in flight at once, occurredAt ordering them. Wave 0 alternates rounds
  // between the servers. A process that holds a store keeps its lease while full batches keep coming, so later
  // waves go to one server each, after the stores went idle: the ingesting process wakes first, the other
  // through NOTIFY, and both race for the claims.
  const base = Date.now() - 60_000;
  const qty = (round: number, i: number) => 5 + ((round * 7 + i * 3) % 40);
  let round = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    for (let k = 0; k < ROUNDS_PER_WAVE; k += 2, round += 2) {
      await Promise.all([round, round + 1].map((r) => sendRound(servers[wave === 0 ? r % 2 : wave % 2]!, r)));
    }
    await converge(wave);
  }
  // Which process wins the claims in a race is up to the scheduler. So that each provably takes stores over, one
  // more wave per process runs while the other is frozen (SIGSTOP) with every store idle and unleased.
  for (const p of [0, 1]) {
    const other = p === 0 ? two : one;
    other.child.kill('SIGSTOP');
    try {
      for (let k = 0; k < 2; k++, round++) await sendRound(servers[p]!, round);
      await converge(WAVES + p, [servers[p]!]);
    } finally {
      other.child.kill('SIGCONT');
    }
  }

  // The final on-hand is the last round's, and desired follows it (each store shows no more than on hand).
  for (const sku of SKUS) {
    const view = await api<SkuView>(one.url, key, 'GET', `/v1/skus/${sku}`);
    assert.equal(view.quantities.onHand, qty(round - 1, SKUS.indexOf(sku)), `${sku} on hand`);
    for (const s of view.stores) assert.ok(s.desired! > 0 && s.desired! <= view.quantities.onHand, `${s.listingId} desired ${s.desired}`);
  }
  assert.equal(target.badRequests, 0, 'every call to the target was signed with its store secret');
  for (const [id, st] of target.stores) {
    assert.ok(st.pushes > 0, `store ${id} was pushed`);
    assert.equal(st.overlaps, 0, `store ${id} was pushed twice at once`);
  }
  // Both processes did push work, and between them they account for every push the target answered.
  const counts = await Promise.all(servers.map(pushCount));
  t.diagnostic(`pushes by process: ${counts.join(' + ')} = ${target.pushes} seen by the target`);
  assert.ok(counts[0]! > 0 && counts[1]! > 0, `both processes pushed (${counts})`);
  assert.equal(counts[0]! + counts[1]!, target.pushes, 'the metrics of the two processes add up to the pushes the target saw');
});
