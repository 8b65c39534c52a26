/**
 * The store run's state machine, driven deterministically: fake database and connector steps that the test
 * answers by hand, and a ManualClock for every wait (warm, timeouts). Each test walks one path a run takes in
 * production, and the states it passes through are checked against TRANSITIONS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreRun, TRANSITIONS, type RunDeps, type RunState } from '../../src/engine/store-run.ts';
import type { DirtyRow } from '../../src/store/ops/dispatch.ts';
import type { PushOutcome, ReleaseFields } from '../../src/store/ops/dispatch-batched.ts';
import type { SendResult } from '../../src/engine/push-call.ts';
import { ManualClock } from './helpers.ts';

const store = { id: 's1', supplier_id: 'p', platform: 'test', config: {}, credentials: null, failures: 0 };
const row = (id: string, desired: number, confirmed: number | null = null): DirtyRow => ({
  listing_id: id, sku: id, desired, confirmed, desired_at: new Date(Date.parse('2026-03-02T10:00:00.000Z')).toISOString(), external_id: `ext-${id}`, external_location_id: null,
});
const ok = (rows: readonly DirtyRow[], durationMs = 5): SendResult => ({ acks: rows.map((r) => ({ listingId: r.listing_id, quantity: r.desired })), fails: [], retryAfterMs: 0, durationMs });

/** A harness: every step the run asks for is recorded and answered from queues the test fills. */
function harness(opts: { warm?: boolean; warmMs?: number; leaseMs?: number; batch?: number } = {}) {
  const clock = new ManualClock();
  const log: string[] = [];
  const reads: DirtyRow[][] = [];
  const sends: ((rows: readonly DirtyRow[]) => SendResult | Promise<SendResult>)[] = [];
  const finishes: { outcome: PushOutcome | null; release: ReleaseFields | null }[] = [];
  const defers: (number | null)[] = [];
  const states: RunState[] = [];
  let held = true;
  let finishGate: Promise<void> | null = null;
  let finished = 0;
  let rateWait = 0;
  let mayWarm = true;
  const tick = () => new Promise<void>((r) => setImmediate(r));
  const deps: RunDeps = {
    now: () => clock.now(),
    after: (ms, fn) => clock.after(ms, fn),
    read: async (limit) => { log.push(`read ${limit}`); await tick(); return reads.shift() ?? []; },
    batchSize: () => opts.batch ?? 100,
    rateWaitMs: () => rateWait,
    send: async (rows) => { log.push(`send ${rows.map((r) => r.listing_id).join(',')}`); await tick(); return (sends.shift() ?? ok)(rows); },
    finish: async (outcome, release) => {
      finishes.push({ outcome, release });
      log.push(`finish${outcome ? ' push' : ''}${release ? ' release' : ''}`);
      await tick();
      if (finishGate) await finishGate;
      finished++;
      return held;
    },
    defer: async (until) => { defers.push(until); log.push('defer'); await tick(); },
    mayStayWarm: () => mayWarm,
    othersWaiting: () => false,
  };
  const run = new StoreRun(store, { warm: opts.warm ?? true, warmMs: opts.warmMs ?? 1000, leaseMs: opts.leaseMs ?? 10_000 }, deps);
  // Record every state the run passes through, and check each move against the table.
  let state: RunState = run.state;
  Object.defineProperty(run, 'state', {
    get: () => state,
    set: (next: RunState) => {
      if (next !== state && !TRANSITIONS[state].includes(next) && next !== 'releasing' && next !== 'ended') assert.fail(`move ${state} -> ${next} is not in TRANSITIONS`);
      states.push(next);
      state = next;
    },
  });
  return {
    clock, log, reads, sends, finishes, defers, states, run,
    setHeld: (h: boolean) => { held = h; },
    finished: () => finished,
    /** Confirmations wait until the returned function is called. */
    gateFinish: () => { let open = () => {}; finishGate = new Promise<void>((r) => { open = r; }); return () => { finishGate = null; open(); }; }, setRateWait: (ms: number) => { rateWait = ms; }, setMayWarm: (w: boolean) => { mayWarm = w; },
    /** Lets the run take its pending async steps. */
    settle: async () => { for (let i = 0; i < 20; i++) await tick(); },
  };
}

test('store run: claimed rows pushed and confirmed, the table known empty, warm, then released after warmMs', async () => {
  const h = harness({ warmMs: 1000 });
  const done = h.run.run([row('a', 5)]);
  await h.settle();
  assert.deepEqual(h.log, ['send a', 'finish push'], 'a batch shorter than the connector\'s and no notification since: no read after the push');
  assert.equal(h.run.state, 'warm');
  h.clock.advance(999);
  await h.settle();
  assert.equal(h.run.state, 'warm', 'still warm before warmMs');
  h.clock.advance(1);
  await done;
  assert.deepEqual(h.log, ['send a', 'finish push', 'finish release']);
  assert.deepEqual(h.states, ['pushing', 'confirming', 'reading', 'warm', 'releasing', 'ended']);
  assert.equal(h.finishes[1]!.release!.pushed, true);
  assert.equal(h.run.pushed, 1);
});

test('store run: a notification while warm reads and pushes without a claim; one during a push reads after the confirmation', async () => {
  const h = harness();
  const done = h.run.run([row('a', 5)]);
  await h.settle();
  assert.equal(h.run.state, 'warm');
  h.reads.push([row('b', 7, 3)]);
  h.run.notify();
  await h.settle();
  assert.deepEqual(h.log.slice(2), ['read 100', 'send b', 'finish push']);
  // A notification that arrives while a push is out: read once that push is confirmed.
  let answer: () => void = () => {};
  const gate = new Promise<void>((r) => { answer = r; });
  h.sends.push(async (rows) => { await gate; return ok([...rows]); });
  h.reads.push([row('c', 1)], [row('d', 2)]);
  h.run.notify();
  await h.settle();
  assert.deepEqual(h.log.slice(5), ['read 100', 'send c'], 'c is being pushed');
  h.run.notify();
  await h.settle();
  assert.equal(h.run.state, 'pushing', 'the notification waits for the push');
  answer();
  await h.settle();
  assert.deepEqual(h.log.slice(7), ['finish push', 'read 100', 'send d', 'finish push'], 'read after the confirmation, then pushed');
  h.clock.advance(1000);
  await done;
  assert.equal(h.run.pushed, 4);
  assert.deepEqual(h.log.at(-1), 'finish release');
});

test('store run: with more work known after a push, its confirmation is written behind the next read and push', async () => {
  const h = harness();
  const done = h.run.run([row('a', 5)]);
  await h.settle();
  assert.equal(h.run.state, 'warm');
  // A push that a notification overtakes.
  let answer: () => void = () => {};
  const gate = new Promise<void>((r) => { answer = r; });
  h.sends.push(async (rows) => { await gate; return ok([...rows]); });
  h.reads.push([row('a', 6, 5), row('b', 1)]);
  h.run.notify();
  await h.settle();
  h.run.notify();
  const openFinish = h.gateFinish();
  // The read meanwhile still sees a (its confirmation is not written): at 6, as pushed, it is skipped; b changed
  // and names... nothing acknowledged, so its own confirmed.
  h.reads.push([row('a', 6, 5), row('b', 2, 1)]);
  answer();
  await h.settle();
  const i = h.log.indexOf('send a,b');
  assert.deepEqual(h.log.slice(i), ['send a,b', 'finish push', 'read 100', 'send b'], 'read and pushed while the confirmation is written');
  assert.equal(h.finished(), h.finishes.length - 1, 'the confirmation of a,b is not written yet');
  assert.deepEqual(h.finishes.at(-1)!.outcome!.acks.map((a) => a.listingId), ['a', 'b']);
  openFinish();
  await h.settle();
  h.clock.advance(1000);
  await done;
  assert.equal(h.finished(), h.finishes.length, 'every confirmation written before the run ended');
  assert.equal(h.log.at(-1), 'finish release');
});

test('store run: a row read while its acknowledgement is being confirmed names the acknowledged quantity', async () => {
  const h = harness();
  const done = h.run.run([row('a', 5)]);
  await h.settle();
  let answer: () => void = () => {};
  const gate = new Promise<void>((r) => { answer = r; });
  h.sends.push(async (rows) => { await gate; return ok([...rows]); });
  h.reads.push([row('a', 6, 5)]);
  h.run.notify();
  await h.settle();
  h.run.notify();
  const openFinish = h.gateFinish();
  const seen: DirtyRow[][] = [];
  h.sends.push((rows) => { seen.push([...rows]); return ok(rows); });
  h.reads.push([row('a', 7, 5)]);
  answer();
  await h.settle();
  assert.deepEqual(seen[0]!.map((r) => [r.desired, r.confirmed]), [[7, 6]], 'the store has 6 (acknowledged), whatever the row says yet');
  openFinish();
  await h.settle();
  h.clock.advance(1000);
  await done;
});

test('store run: a full batch is read again after its confirmation, until the table is empty; not warm, it ends at once', async () => {
  const h = harness({ warm: false, batch: 2 });
  h.reads.push([row('c', 1)]);
  await h.run.run([row('a', 1), row('b', 1), row('x', 1)]);
  assert.deepEqual(h.log, ['send a,b', 'finish push', 'read 2', 'send c', 'finish push', 'finish release'],
    'a claim\'s default batch larger than the connector\'s is cut and read again');
  assert.equal(h.run.pushed, 3);
});

test('store run: a failed call ends the run, released as a store failure in its confirmation', async () => {
  const h = harness();
  h.sends.push(() => ({ error: 'boom', durationMs: 3 }));
  await h.run.run([row('a', 1)]);
  assert.deepEqual(h.log, ['send a', 'finish push release']);
  const { outcome, release } = h.finishes[0]!;
  assert.deepEqual([outcome!.ok, outcome!.failed, outcome!.error], [0, 1, 'boom']);
  assert.deepEqual([release!.failed, release!.error], [true, 'boom']);
});

test('store run: a listing rejected for good backs off by itself and is no failure of the store', async () => {
  const h = harness({ warm: false });
  h.sends.push((rows) => ({ acks: [{ listingId: 'b', quantity: 2 }], fails: [{ listingId: 'a', error: 'unknown item', actual: null, retryable: false }], retryAfterMs: 0, durationMs: 1 }));
  await h.run.run([row('a', 1), row('b', 2)]);
  const push = h.finishes[0]!;
  assert.equal(push.release, null, 'the run goes on: the store did not fail');
  assert.deepEqual(push.outcome!.fails.map((f) => [f.listingId, f.retryable]), [['a', false]]);
  assert.deepEqual([h.finishes[1]!.release!.failed, h.finishes[1]!.release!.partial], [false, false], 'released as a success');
});

test('store run: a retryable item failure is retried with the store (partial: the base delay, no failure counted)', async () => {
  const h = harness();
  h.sends.push(() => ({ acks: [{ listingId: 'b', quantity: 2 }], fails: [{ listingId: 'a', error: 'busy', actual: null, retryable: true }], retryAfterMs: 0, durationMs: 1 }));
  await h.run.run([row('a', 1), row('b', 2)]);
  assert.deepEqual(h.log, ['send a,b', 'finish push release']);
  assert.deepEqual([h.finishes[0]!.release!.failed, h.finishes[0]!.release!.partial], [false, true]);
});

test('store run: drift is read and pushed again at once; drifting twice in a run ends it with the base delay', async () => {
  const h = harness();
  const drift = (actual: number) => () => ({ acks: [], fails: [{ listingId: 'a', error: 'stale', actual, retryable: true }], retryAfterMs: 0, durationMs: 1 });
  h.sends.push(drift(8));
  h.reads.push([row('a', 10, 8)]);
  h.sends.push(drift(6));
  await h.run.run([row('a', 10, 9)]);
  assert.deepEqual(h.log, ['send a', 'finish push', 'read 100', 'send a', 'finish push release']);
  assert.deepEqual(h.finishes[0]!.outcome!.fails.map((f) => [f.actual, f.expected]), [[8, 9]], 'the drift names the quantity the push expected');
  assert.deepEqual([h.finishes[1]!.release!.failed, h.finishes[1]!.release!.partial], [false, true]);
});

test('store run: a rate limit defers the store without a push; Retry-After ends the run with its wait', async () => {
  const h = harness();
  h.setRateWait(700);
  await h.run.run([row('a', 1)]);
  assert.deepEqual(h.log, ['defer']);
  assert.equal(h.defers[0], h.clock.now() + 700);
  const h2 = harness();
  h2.sends.push((rows) => ({ acks: rows.map((r) => ({ listingId: r.listing_id, quantity: r.desired })), fails: [], durationMs: 1, retryAfterMs: 2000 }));
  await h2.run.run([row('a', 1)]);
  assert.equal(h2.finishes[0]!.release!.retryAfterMs, 2000);
});

test('store run: fenced out (another process holds the store), it ends without a release', async () => {
  const h = harness();
  h.setHeld(false);
  await h.run.run([row('a', 1)]);
  assert.deepEqual(h.log, ['send a', 'finish push']);
  assert.equal(h.run.lost, true);
  assert.equal(h.run.state, 'ended');
});

test('store run: a lost lease ends a warm run without a release; a yield releases it; stopping warm ends it', async () => {
  const lost = harness();
  const a = lost.run.run([row('a', 1)]);
  await lost.settle();
  lost.run.lose();
  await a;
  assert.deepEqual(lost.log, ['send a', 'finish push']);
  const yielded = harness();
  const b = yielded.run.run([row('a', 1)]);
  await yielded.settle();
  yielded.run.yield();
  await b;
  assert.deepEqual(yielded.log, ['send a', 'finish push', 'finish release']);
  assert.equal(yielded.clock.pending, 0, 'the warm timer was cancelled');
  const empty = harness();
  empty.setMayWarm(false);
  await empty.run.run([]);
  assert.deepEqual(empty.log, ['defer'], 'nothing pushed: the lease ends without touching the failure state');
});

test('store run: the transition table allows only the moves the doc names', () => {
  for (const [from, to] of Object.entries(TRANSITIONS)) for (const s of to) assert.ok(s in TRANSITIONS, `${from} -> ${s}`);
  assert.deepEqual(TRANSITIONS.pushing, ['confirming'], 'a push is always confirmed (a push_log line at least)');
  assert.deepEqual(TRANSITIONS.ended, []);
});

