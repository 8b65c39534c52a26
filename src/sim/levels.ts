/**
 * `simulate levels`: the seed's table of the four sync levels, measured on a generated catalogue. Levels 1-3 use
 * the snapshot model (the domain's allocation on stale numbers); level 4 uses a pluggable real-time runner,
 * by default the dropsync engine itself.
 */
import { SYNC_LEVELS } from '../domain/calculators.ts';
import type { SyncLevel } from '../domain/types.ts';
import { createRng } from './prng.ts';
import { runSnapshotLevel } from './snapshot-model.ts';
import type { LevelOutcome, LevelReport, LevelsOptions, LevelsResult, RealtimeRunner, Workload } from './types.ts';
import { generateWorkload } from './workload.ts';

export const DEFAULT_LEVELS_OPTIONS: LevelsOptions = {
  skus: 1000,
  changesPerSkuDay: 5,
  retailers: 5,
  ordersPerMonth: 1000,
  days: 30,
  coverDays: 14,
  leadDays: 6,
  seed: 1,
  // The seed's hybrid example: 200 of 500 units kept for own channels, floors and ceilings for the retailers.
  allocation: { strategy: 'hybrid', ownReserve: { percent: 40 }, deactivationThreshold: 0 },
  costPerOversell: 20,
};

/** Level 4 by the snapshot model with a push delay of 0.5-5 s: the fallback when the engine is not used. */
export const modelRealtimeRunner: RealtimeRunner = async (workload) =>
  runSnapshotLevel(workload, 4, createRng(workload.options.seed).fork(1004));

/** The seed's "Monthly Cost" column of its sync-level table. */
export const SEED_TOOL_COST: Record<SyncLevel, LevelReport['seedToolCost']> = {
  1: { low: 0, high: 0, labour: 500 },
  2: { low: 50, high: 200 },
  3: { low: 200, high: 500 },
  4: { low: 300, high: 1000 },
};

function report(outcome: LevelOutcome, days: number, cost: number): LevelReport {
  const info = SYNC_LEVELS[outcome.level];
  const factor = outcome.scale?.factor ?? 1;
  const rate = outcome.accepted > 0 ? outcome.oversells / outcome.accepted : 0;
  const oversellsPerMonth = (outcome.oversells * factor * 30) / days;
  return {
    ...outcome,
    name: info.name,
    typicalDelay: info.typicalDelay,
    rate,
    oversellsPerMonth,
    monthlyCost: oversellsPerMonth * cost,
    annualCost: oversellsPerMonth * cost * 12,
    seedRate: info.oversellRate,
    seedToolCost: SEED_TOOL_COST[outcome.level],
  };
}

export interface RunLevelsOptions {
  /** Runs level 4; default: the snapshot model with a push delay. The CLI passes the engine runner. */
  realtime?: RealtimeRunner;
}

export async function runLevelsOnWorkload(workload: Workload, run: RunLevelsOptions = {}): Promise<LevelsResult> {
  const options = workload.options;
  const rng = createRng(options.seed);
  const outcomes: LevelOutcome[] = [];
  for (const level of [1, 2, 3] as SyncLevel[]) outcomes.push(runSnapshotLevel(workload, level, rng.fork(1000 + level)));
  outcomes.push(await (run.realtime ?? modelRealtimeRunner)(workload));
  let retailerOrders = 0;
  let stockEvents = 0;
  for (const sku of workload.skus) {
    retailerOrders += sku.orders.length;
    stockEvents += sku.events.length;
  }
  return {
    options,
    levels: outcomes.map((o) => report(o, options.days, options.costPerOversell)),
    retailerOrders,
    stockEvents,
  };
}

export async function runLevels(options: LevelsOptions, run: RunLevelsOptions = {}): Promise<LevelsResult> {
  return runLevelsOnWorkload(generateWorkload(options), run);
}
