/**
 * Terms (SPEC section 10, seed "anatomy of an oversell" and "four levels of inventory sync"):
 * - simulated time: seconds from the start of a scenario; nothing here reads the wall clock.
 * - stock event: a change at the supplier (own-channel sale, return, receiving) as a delta of on-hand units.
 * - retailer order: a shopper buying on a retailer store. The store takes it only when it shows enough units.
 * - sync: the moment a retailer store is told the supplier's numbers; between syncs it shows the last
 *   allocation it got, minus what it sold itself since (a store decrements its own count on its own sales).
 * - sync level: the seed's four levels, 1 manual CSV (1-7 days), 2 scheduled feed (1-4 h), 3 API polling
 *   (1-15 min), 4 real-time push (under 5 s).
 * - oversell: an order a store accepted that the supplier's available stock (atp) could not cover.
 * - turned away: a shopper who found the store showing too few units (a lost sale, not an oversell).
 */
import type { BufferRule, ReserveRule, Strategy, SyncLevel } from '../domain/types.ts';

/** Sync choices of `simulate timeline`. */
export type TimelineSync = 'weekly' | 'daily' | 'hourly' | '15m' | '1m' | 'realtime';

export interface TimelineRow {
  /** Simulated seconds since Monday 00:00 of the scenario week. */
  at: number;
  /** "Mon 09:00" style label; a grouped row spans two labels ("Tue 17:47 - Sun 20:13"). */
  time: string;
  event: string;
  /** The supplier's actual available units after the event. */
  actual: number;
  /** What the retailer's store shows after the event. */
  storeShows: number;
  /** Phantom units: what the store shows beyond the real stock. */
  gap: number;
  /** Oversells so far. */
  oversells: number;
}

export interface TimelineResult {
  sync: TimelineSync;
  /** Seconds between syncs (0 for real-time push, which follows each change within `pushDelaySeconds`). */
  syncIntervalSeconds: number;
  pushDelaySeconds: number;
  rows: TimelineRow[];
  retailerOrders: number;
  accepted: number;
  oversells: number;
  turnedAway: number;
  costPerOversell: number;
  oversellCost: number;
}

/** Allocation settings a supplier compares on its own numbers (`--strategy`, `--buffer-*`, ...). */
export interface SimAllocation {
  strategy: Strategy;
  ownReserve?: ReserveRule;
  buffer?: BufferRule;
  deactivationThreshold: number;
}

export interface LevelsOptions {
  skus: number;
  changesPerSkuDay: number;
  retailers: number;
  ordersPerMonth: number;
  days: number;
  /** Receiving orders up to this many days of expected own-channel sales (stock depth). */
  coverDays: number;
  /** Purchase lead time, uniform in [1, leadDays] days. */
  leadDays: number;
  seed: number;
  allocation: SimAllocation;
  costPerOversell: number;
}

/** One SKU's generated stream: identical for every sync level, so the levels differ only in their sync. */
export interface SkuStream {
  sku: string;
  initialOnHand: number;
  /** Own-channel order-up-to level; floors and ceilings are scaled from it. */
  referenceStock: number;
  /** Stock events in time order: own-channel sales (negative), returns and receiving (positive). */
  events: { at: number; delta: number; reason: 'sale' | 'return' | 'receiving' }[];
  /** Retailer demand in time order. */
  orders: { at: number; retailer: number; quantity: number }[];
}

export interface RetailerProfile {
  id: string;
  /** Share of retailer demand. */
  share: number;
  /** Floor and ceiling as fractions of a SKU's reference pool (the seed's 80/50/30/20/20 of 300, ...). */
  floorFraction: number;
  ceilingFraction: number;
  tier: number;
}

export interface Workload {
  options: LevelsOptions;
  retailers: RetailerProfile[];
  skus: SkuStream[];
  horizonSeconds: number;
}

/** The outcome of one sync level over a workload. */
export interface LevelOutcome {
  level: SyncLevel;
  /** How this row was measured, e.g. "snapshot model" or "dropsync engine on PGlite". */
  method: string;
  /** Sync interval (or push delay) per retailer actually sampled, seconds. */
  syncSeconds: number[];
  attempts: number;
  accepted: number;
  oversells: number;
  turnedAway: number;
  /** When only part of the catalogue was run (the engine row), the measured figures are scaled by this. */
  scale?: { skusRun: number; factor: number };
  /** Anything the reader must know about this row. */
  note?: string;
}

export interface LevelReport extends LevelOutcome {
  name: string;
  typicalDelay: string;
  rate: number;
  oversellsPerMonth: number;
  monthlyCost: number;
  annualCost: number;
  seedRate: { low: number; high: number };
  /** What the seed says the sync method itself costs per month, dollars (level 1: plus $500+ of labour). */
  seedToolCost: { low: number; high: number; labour?: number };
}

export interface LevelsResult {
  options: LevelsOptions;
  levels: LevelReport[];
  retailerOrders: number;
  stockEvents: number;
}

/** Runs level 4. The default is the real engine; the snapshot model with a seconds-long delay is the fallback. */
export type RealtimeRunner = (workload: Workload) => Promise<LevelOutcome>;
