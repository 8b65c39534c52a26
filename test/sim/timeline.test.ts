import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupTimelineRows, retailerOrderTimes, runTimeline, timeLabel, TIMELINE_SYNCS } from '../../src/sim/index.ts';
import { formatTimeline } from '../../src/sim/format.ts';

test('weekly CSV: the seed\'s 14 oversells, and its table row by row', () => {
  const r = runTimeline({ sync: 'weekly' });
  assert.equal(r.oversells, 14);
  assert.equal(r.accepted, 14);
  assert.equal(r.turnedAway, 0);
  assert.equal(r.oversellCost, 280);
  const rows = groupTimelineRows(r.rows).map((x) => [x.time, x.actual, x.storeShows, x.gap, x.oversells]);
  assert.deepEqual(rows, [
    ['Mon 09:00', 30, 30, 0, 0],
    ['Mon 11:00', 18, 30, 12, 0],
    ['Mon 16:00', 10, 30, 20, 0],
    ['Tue 10:00', 4, 30, 26, 0],
    ['Tue 14:00', 0, 30, 30, 0],
    ['Tue 18:39 - Sun 19:21', 0, 16, 16, 14],
    ['next Mon 09:00', 0, 0, 0, 14],
  ]);
  const events = groupTimelineRows(r.rows).map((x) => x.event);
  assert.match(events[1]!, /Amazon sells 12 units/);
  assert.match(events[2]!, /eBay sells 8 units/);
  assert.match(events[3]!, /own Shopify sells 6 units/);
  assert.match(events[5]!, /Retailer sells 14 units against phantom stock/);
  assert.match(events[6]!, /New CSV arrives showing stock = 0/);
});

test('real-time push: the store follows every change, 0 oversells, every shopper sees it sold out', () => {
  const r = runTimeline({ sync: 'realtime' });
  assert.equal(r.oversells, 0);
  assert.equal(r.accepted, 0);
  assert.equal(r.turnedAway, 14);
  // The seed: 18 at 11:00 Monday, 10 at 4 PM, 4 Tuesday morning, 0 by Tuesday afternoon.
  assert.deepEqual(r.rows.slice(1, 5).map((x) => x.storeShows), [18, 10, 4, 0]);
  for (const row of r.rows) assert.equal(row.gap, 0);
});

test('the oversell count falls as the sync gets faster, never rising', () => {
  const counts = TIMELINE_SYNCS.map((sync) => runTimeline({ sync }).oversells);
  assert.deepEqual(counts, [14, 2, 0, 0, 0, 0]);
});

test('retailer orders: 14, after the stock is gone, before next Monday, in order', () => {
  const times = retailerOrderTimes();
  assert.equal(times.length, 14);
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!);
  assert.ok(times[0]! > 86400 + 14 * 3600);
  assert.ok(times[13]! < 7 * 86400);
});

test('labels and the printed table', () => {
  assert.equal(timeLabel(9 * 3600), 'Mon 09:00');
  assert.equal(timeLabel(86400 + 14 * 3600 + 2), 'Tue 14:00:02');
  assert.equal(timeLabel(7 * 86400 + 9 * 3600), 'next Mon 09:00');
  const text = formatTimeline(runTimeline({ sync: 'weekly', costPerOversell: 25 })).join('\n');
  assert.match(text, /Oversells: 14 .*\$350 at \$25 each/);
  assert.match(text, /Actual stock\s+Store shows/);
});

test('bad input names the field', () => {
  assert.throws(() => runTimeline({ sync: 'yearly' as never }), /sync/);
  assert.throws(() => runTimeline({ sync: 'weekly', costPerOversell: -1 }), /cost/);
});
