/**
 * The seed's "anatomy of an oversell" as an event-driven model on a simulated clock. One SKU, one retailer store
 * that shows the whole stock (as in the seed), the supplier's own channels selling 30 units in two days, and the
 * retailer's shoppers buying 14 units from Tuesday afternoon to Sunday. The sync choice decides when the store
 * learns the real stock: a weekly CSV gives 14 oversells, real-time push gives 0.
 */
import { allocateSku } from '../domain/quantities.ts';
import { invalid } from '../domain/errors.ts';
import { DEFAULT_OVERSELL_COST } from '../domain/calculators.ts';
import type { TimelineResult, TimelineRow, TimelineSync } from './types.ts';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

export const TIMELINE_SYNCS: readonly TimelineSync[] = ['weekly', 'daily', 'hourly', '15m', '1m', 'realtime'];

const INTERVALS: Record<TimelineSync, number> = {
  weekly: 7 * DAY,
  daily: DAY,
  hourly: HOUR,
  '15m': 15 * MINUTE,
  '1m': MINUTE,
  realtime: 0,
};

/** Real-time push lands within seconds (the seed: under 5 s). */
export const REALTIME_PUSH_DELAY_SECONDS = 2;

const STOCK_AT_START = 30;
const FIRST_SYNC = 9 * HOUR; // Monday 9:00, when the seed's CSV is exported.
const END = 7 * DAY + 9 * HOUR; // next Monday 9:00, when the next weekly CSV arrives.

/** The supplier's own-channel sales of the seed: 12 + 8 + 6 + 4 = all 30 units gone by Tuesday 2 PM. */
export const OWN_SALES = [
  { at: 11 * HOUR, units: 12, channel: 'Amazon' },
  { at: 16 * HOUR, units: 8, channel: 'eBay' },
  { at: DAY + 10 * HOUR, units: 6, channel: "Supplier's own Shopify" },
  { at: DAY + 14 * HOUR, units: 4, channel: "Supplier's own Shopify" },
];

export const RETAILER_UNITS = 14;

/**
 * The seed says only "Tue - Sun: retailer sells 14 units". We place 14 one-unit orders evenly from Tuesday 2 PM
 * (when the stock is gone) to Sunday midnight, each at the middle of its slot, rounded to the minute.
 */
export function retailerOrderTimes(): number[] {
  const start = DAY + 14 * HOUR;
  const end = 7 * DAY;
  const slot = (end - start) / RETAILER_UNITS;
  return Array.from({ length: RETAILER_UNITS }, (_, k) => Math.round((start + (k + 0.5) * slot) / MINUTE) * MINUTE);
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon 09:00"; the day after Sunday is "next Mon"; seconds show only when there are any ("Mon 11:00:02"). */
export function timeLabel(at: number): string {
  const day = Math.floor(at / DAY);
  const inDay = at - day * DAY;
  const hh = String(Math.floor(inDay / HOUR)).padStart(2, '0');
  const mm = String(Math.floor((inDay % HOUR) / MINUTE)).padStart(2, '0');
  const ss = inDay % MINUTE;
  const name = day < 7 ? DAYS[day]! : `next ${DAYS[day % 7]!}`;
  return `${name} ${hh}:${mm}${ss ? `:${String(ss).padStart(2, '0')}` : ''}`;
}

type Happening =
  | { at: number; order: number; kind: 'stock'; units: number; channel: string }
  | { at: number; order: number; kind: 'retailer'; units: number }
  | { at: number; order: number; kind: 'sync' };

function whatTheStoreMayShow(atp: number): number {
  // One retailer, no reserve, no buffer: the seed's store shows the whole stock. Same code path as the engine.
  return allocateSku({ onHand: Math.max(0, atp), strategy: 'dynamic', retailers: [{ id: 'retailer' }] }).shown['retailer']!;
}

export interface TimelineOptions {
  sync: TimelineSync;
  costPerOversell?: number;
}

export function runTimeline(options: TimelineOptions): TimelineResult {
  const sync = options.sync;
  if (!TIMELINE_SYNCS.includes(sync)) throw invalid('sync', `must be one of ${TIMELINE_SYNCS.join(', ')}`);
  const cost = options.costPerOversell ?? DEFAULT_OVERSELL_COST;
  if (!Number.isFinite(cost) || cost < 0) throw invalid('cost', 'must be a number >= 0');
  const interval = INTERVALS[sync];

  const happenings: Happening[] = [];
  let seq = 0;
  for (const s of OWN_SALES) happenings.push({ at: s.at, order: seq++, kind: 'stock', units: s.units, channel: s.channel });
  for (const at of retailerOrderTimes()) happenings.push({ at, order: seq++, kind: 'retailer', units: 1 });
  if (interval > 0) {
    for (let at = FIRST_SYNC + interval; at <= END; at += interval) happenings.push({ at, order: seq++, kind: 'sync' });
  }
  // Real-time push: the store hears of every stock change a moment later.
  if (interval === 0) {
    for (const s of OWN_SALES) happenings.push({ at: s.at + REALTIME_PUSH_DELAY_SECONDS, order: seq++, kind: 'sync' });
  }
  // A scheduled sync at the same minute as a sale reads the stock before it (the seed's events fall on the hour).
  const rank = (h: Happening): number => (h.kind === 'sync' && interval > 0 ? 0 : 1);
  happenings.sort((a, b) => a.at - b.at || rank(a) - rank(b) || a.order - b.order);

  let actual = STOCK_AT_START;
  let store = whatTheStoreMayShow(actual);
  let oversells = 0;
  let accepted = 0;
  let turnedAway = 0;
  const rows: TimelineRow[] = [];
  const row = (at: number, event: string): void => {
    rows.push({ at, time: timeLabel(at), event, actual, storeShows: store, gap: Math.max(0, store - actual), oversells });
  };
  row(FIRST_SYNC, `Supplier ${interval > 0 ? 'exports CSV' : 'connects real-time sync'} (stock = ${STOCK_AT_START} units)`);

  for (const h of happenings) {
    if (h.kind === 'stock') {
      actual -= h.units;
      row(h.at, `${h.channel} sells ${h.units} units`);
    } else if (h.kind === 'retailer') {
      if (store < h.units) {
        turnedAway++;
        row(h.at, `Retailer's shopper finds it sold out (store shows ${store})`);
      } else {
        store -= h.units; // the store counts down its own sales
        accepted++;
        if (actual >= h.units) {
          actual -= h.units;
          row(h.at, `Retailer sells ${h.units} unit`);
        } else {
          oversells++;
          row(h.at, `Retailer sells ${h.units} unit against phantom stock`);
        }
      }
    } else {
      const before = store;
      store = whatTheStoreMayShow(actual);
      if (interval === 0) {
        const last = rows[rows.length - 1]!;
        last.storeShows = store;
        last.gap = Math.max(0, store - actual);
        last.event += ` (pushed to the store in ${REALTIME_PUSH_DELAY_SECONDS} s)`;
      } else if (store !== before || h.at === END) {
        const label = sync === 'weekly' || sync === 'daily' ? 'New CSV arrives' : `Scheduled sync (every ${sync === 'hourly' ? '1h' : sync})`;
        row(h.at, `${label} showing stock = ${actual}`);
      }
    }
  }
  return {
    sync,
    syncIntervalSeconds: interval,
    pushDelaySeconds: interval === 0 ? REALTIME_PUSH_DELAY_SECONDS : 0,
    rows,
    retailerOrders: RETAILER_UNITS,
    accepted,
    oversells,
    turnedAway,
    costPerOversell: cost,
    oversellCost: oversells * cost,
  };
}

/**
 * Rows for printing: consecutive retailer rows of the same kind fold into one ("Tue 17:47 - Sun 20:13 | Retailer
 * sells 14 units against phantom stock"), as the seed's table does.
 */
export function groupTimelineRows(rows: readonly TimelineRow[]): TimelineRow[] {
  const out: TimelineRow[] = [];
  let run: TimelineRow[] = [];
  const kindOf = (r: TimelineRow): string | null =>
    r.event.startsWith('Retailer sells') ? r.event : r.event.startsWith("Retailer's shopper") ? 'away' : null;
  const flush = (): void => {
    if (run.length === 0) return;
    const first = run[0]!;
    const last = run[run.length - 1]!;
    if (run.length === 1) out.push(first);
    else {
      const units = run.length;
      const event =
        kindOf(first) === 'away'
          ? `${units} retailer shoppers find it sold out (store shows ${first.storeShows})`
          : first.event.replace(/sells 1 unit/, `sells ${units} units`);
      out.push({ ...last, time: `${first.time} - ${last.time}`, event });
    }
    run = [];
  };
  for (const r of rows) {
    const kind = kindOf(r);
    if (kind !== null && run.length > 0 && kindOf(run[0]!) === kind) run.push(r);
    else {
      flush();
      if (kind !== null) run.push(r);
      else out.push(r);
    }
  }
  flush();
  return out;
}
