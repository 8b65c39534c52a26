/** `dropsync simulate timeline|levels`: what sync speed costs, as an executable model. */
import type { Command } from 'commander';
import { DEFAULT_OVERSELL_COST } from '../../domain/calculators.ts';
import { invalid } from '../../domain/errors.ts';
import { STRATEGIES, type BufferRule, type ReserveRule, type Strategy } from '../../domain/types.ts';
import { DEFAULT_LEVELS_OPTIONS, TIMELINE_SYNCS, formatLevels, formatTimeline, runLevels, runTimeline } from '../../sim/index.ts';
import type { LevelsOptions, RealtimeRunner, TimelineSync } from '../../sim/index.ts';
import { modelRealtimeRunner } from '../../sim/levels.ts';
import { emit } from '../output.ts';
import { integerFlag, numberFlag } from '../parse.ts';

interface LevelsFlags {
  skus: string;
  changesPerSkuDay: string;
  retailers: string;
  ordersPerMonth: string;
  days: string;
  seed: string;
  strategy: string;
  reservePercent?: string;
  reserveUnits?: string;
  bufferPercent?: string;
  bufferUnits?: string;
  threshold: string;
  cost: string;
  coverDays: string;
  leadDays: string;
  realtime: string;
  realtimeSkus: string;
  json?: boolean;
}

function onlyOne(flags: Record<string, string | undefined>): void {
  const given = Object.keys(flags).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw invalid(given[1]!, `cannot be combined with ${given[0]}`);
}

function allocationFrom(f: LevelsFlags): LevelsOptions['allocation'] {
  if (!STRATEGIES.includes(f.strategy as Strategy)) throw invalid('--strategy', `must be one of ${STRATEGIES.join(', ')}`);
  onlyOne({ '--reserve-percent': f.reservePercent, '--reserve-units': f.reserveUnits });
  onlyOne({ '--buffer-percent': f.bufferPercent, '--buffer-units': f.bufferUnits });
  let ownReserve: ReserveRule | undefined = DEFAULT_LEVELS_OPTIONS.allocation.ownReserve;
  if (f.reservePercent !== undefined) {
    const percent = numberFlag(f.reservePercent, '--reserve-percent');
    if (percent > 100) throw invalid('--reserve-percent', 'must be at most 100');
    ownReserve = percent > 0 ? { percent } : undefined;
  }
  if (f.reserveUnits !== undefined) {
    const units = integerFlag(f.reserveUnits, '--reserve-units');
    ownReserve = units > 0 ? { units } : undefined;
  }
  let buffer: BufferRule | undefined;
  if (f.bufferPercent !== undefined) {
    const percent = numberFlag(f.bufferPercent, '--buffer-percent');
    if (percent > 100) throw invalid('--buffer-percent', 'must be at most 100');
    buffer = { percent };
  }
  if (f.bufferUnits !== undefined) buffer = { units: integerFlag(f.bufferUnits, '--buffer-units') };
  const allocation: LevelsOptions['allocation'] = {
    strategy: f.strategy as Strategy,
    deactivationThreshold: integerFlag(f.threshold, '--threshold'),
  };
  if (ownReserve) allocation.ownReserve = ownReserve;
  if (buffer) allocation.buffer = buffer;
  return allocation;
}

async function realtimeRunner(kind: string, sampleSkus: number): Promise<RealtimeRunner> {
  if (kind === 'model') return modelRealtimeRunner;
  if (kind !== 'engine') throw invalid('--realtime', 'must be engine or model');
  // Loaded only when used: it brings in the engine and the embedded database.
  const { engineRealtimeRunner } = await import('../../sim/engine-runner.ts');
  return engineRealtimeRunner({ sampleSkus });
}

export function register(program: Command): void {
  const simulate = program.command('simulate').description("What sync speed costs, as an executable model: the oversell timeline and the four sync levels");
  simulate.argument('[model]').action((name: string | undefined) => {
    const what = name === undefined ? 'needs a model' : `unknown model "${name}"`;
    throw invalid('simulate', `${what}: timeline or levels (see dropsync simulate --help)`);
  });

  simulate
    .command('timeline')
    .description("The anatomy of an oversell: 30 units, own-channel sales, 14 retailer sales, under one sync choice")
    .option('--sync <sync>', `${TIMELINE_SYNCS.join('|')}, or all for a one-line summary of each`, 'weekly')
    .option('--cost <dollars>', 'cost of one oversell', String(DEFAULT_OVERSELL_COST))
    .option('--json', 'print JSON')
    .action((opts: { sync: string; cost: string; json?: boolean }) => {
      const costPerOversell = numberFlag(opts.cost, '--cost');
      if (opts.sync === 'all') {
        const results = TIMELINE_SYNCS.map((sync) => runTimeline({ sync, costPerOversell }));
        emit(opts.json, results, () =>
          results.map((r) => `${r.sync.padEnd(8)}  ${String(r.oversells).padStart(2)} oversells  ${String(r.turnedAway).padStart(2)} shoppers saw it sold out  cost $${r.oversellCost}`),
        );
        return;
      }
      if (!TIMELINE_SYNCS.includes(opts.sync as TimelineSync)) throw invalid('--sync', `must be one of ${TIMELINE_SYNCS.join(', ')} or all`);
      const result = runTimeline({ sync: opts.sync as TimelineSync, costPerOversell });
      emit(opts.json, result, () => formatTimeline(result));
    });

  const d = DEFAULT_LEVELS_OPTIONS;
  simulate
    .command('levels')
    .description("Monte Carlo of the four sync levels (manual, scheduled, polling, real-time) on a generated catalogue")
    .option('--skus <n>', 'SKUs in the catalogue', String(d.skus))
    .option('--changes-per-sku-day <n>', 'own-channel stock changes per SKU per day', String(d.changesPerSkuDay))
    .option('--retailers <n>', 'retailer stores', String(d.retailers))
    .option('--orders-per-month <n>', 'retailer orders per month, all stores together', String(d.ordersPerMonth))
    .option('--days <n>', 'simulated days', String(d.days))
    .option('--seed <n>', 'random seed: the same seed gives the same output', String(d.seed))
    .option('--strategy <name>', STRATEGIES.join('|'), d.allocation.strategy)
    .option('--reserve-percent <n>', 'own-channel reserve as a percent of atp (default 40: 200 of 500)')
    .option('--reserve-units <n>', 'own-channel reserve in units')
    .option('--buffer-percent <n>', 'safety buffer percent')
    .option('--buffer-units <n>', 'safety buffer units')
    .option('--threshold <n>', 'deactivate a SKU everywhere below this atp', String(d.allocation.deactivationThreshold))
    .option('--cost <dollars>', 'cost of one oversell', String(d.costPerOversell))
    .option('--cover-days <n>', 'stock depth: receiving orders up to this many days of sales', String(d.coverDays))
    .option('--lead-days <n>', 'purchase lead time, uniform from 1 to this many days', String(d.leadDays))
    .option('--realtime <runner>', 'level 4 by the dropsync engine on embedded Postgres (engine), or by the model (model)', 'engine')
    .option('--realtime-skus <n>', 'SKUs the engine runs (an evenly spaced sample, scaled up) to keep it to seconds', '100')
    .option('--json', 'print JSON')
    .action(async (f: LevelsFlags) => {
      const options: LevelsOptions = {
        skus: integerFlag(f.skus, '--skus', 1),
        changesPerSkuDay: numberFlag(f.changesPerSkuDay, '--changes-per-sku-day'),
        retailers: integerFlag(f.retailers, '--retailers', 1),
        ordersPerMonth: numberFlag(f.ordersPerMonth, '--orders-per-month'),
        days: integerFlag(f.days, '--days', 1),
        coverDays: numberFlag(f.coverDays, '--cover-days'),
        leadDays: numberFlag(f.leadDays, '--lead-days'),
        seed: integerFlag(f.seed, '--seed'),
        allocation: allocationFrom(f),
        costPerOversell: numberFlag(f.cost, '--cost'),
      };
      const realtime = await realtimeRunner(f.realtime, integerFlag(f.realtimeSkus, '--realtime-skus', 1));
      const result = await runLevels(options, { realtime });
      emit(f.json, result, () => formatLevels(result));
    });
}
