/** `dropsync calc ...`: business figures (phantom exposure, oversell cost, full-sync time, sync level). */
import type { Command } from 'commander';
import { DEFAULT_OVERSELL_COST, SYNC_LEVELS, fullSyncPlan, oversellCost, phantomExposure, syncLevel } from '../../domain/calculators.ts';
import { formatDuration } from '../../domain/duration.ts';
import { invalid } from '../../domain/errors.ts';
import { emit, fmt, money } from '../output.ts';
import { durationFlag, integerFlag, numberFlag, rateFlag } from '../parse.ts';

export function register(program: Command): void {
  const calc = program.command('calc').usage('<exposure|cost|full-sync|level> [options]').description('Business figures: phantom exposure, oversell cost, full-sync time, sync level');
  // Without a subcommand: one line naming what is missing, like every other usage error.
  calc.argument('[subcommand]').action((name: string | undefined) => {
    const what = name === undefined ? 'needs a subcommand' : `unknown subcommand "${name}"`;
    throw invalid('calc', `${what}: exposure, cost, full-sync or level (see dropsync calc --help)`);
  });

  calc
    .command('exposure')
    .description('Phantom units customers may buy: velocity x sync delay (days) x shared SKUs')
    .requiredOption('--skus <n>', 'SKUs shared with retailers')
    .requiredOption('--velocity <units-per-day>', 'average sales per SKU per day')
    .requiredOption('--sync-delay <duration>', 'sync delay, e.g. 1d, 4h')
    .option('--json', 'print JSON')
    .action((opts: { skus: string; velocity: string; syncDelay: string; json?: boolean }) => {
      const skus = integerFlag(opts.skus, '--skus');
      const velocity = numberFlag(opts.velocity, '--velocity');
      const delay = durationFlag(opts.syncDelay, '--sync-delay');
      const phantomUnits = phantomExposure(velocity, delay / 86400, skus);
      emit(opts.json, { skus, velocity, syncDelaySeconds: delay, syncDelayDays: delay / 86400, phantomUnits }, () => [
        `phantom exposure: ${fmt(velocity)}/day x ${fmt(delay / 86400, 4)} day${delay === 86400 ? '' : 's'} x ${fmt(skus)} SKUs = ${fmt(phantomUnits)} units`,
      ]);
    });

  calc
    .command('cost')
    .description('Monthly and annual cost of oversells')
    .requiredOption('--orders <n>', 'retailer orders per month')
    .requiredOption('--rate <rate>', 'oversell rate, e.g. 2% or 0.02')
    .option('--cost <dollars>', 'cost of one oversell', String(DEFAULT_OVERSELL_COST))
    .option('--json', 'print JSON')
    .action((opts: { orders: string; rate: string; cost: string; json?: boolean }) => {
      const orders = numberFlag(opts.orders, '--orders');
      const rate = rateFlag(opts.rate, '--rate');
      const costPerOversell = numberFlag(opts.cost, '--cost');
      const c = oversellCost({ orders, rate, costPerOversell });
      emit(opts.json, { orders, rate, costPerOversell, ...c }, () => [
        `${fmt(orders)} orders/month x ${fmt(rate * 100, 4)}% = ${fmt(c.oversellsPerMonth)} oversells/month`,
        `at ${money(costPerOversell)} each: ${money(c.monthlyCost)}/month, ${money(c.annualCost)}/year`,
      ]);
    });

  calc
    .command('full-sync')
    .description('How long pushing every SKU once takes under a rate limit')
    .requiredOption('--skus <n>', 'SKUs to push')
    .requiredOption('--per-call <n>', 'SKUs per API call (1 REST, 250 Shopify GraphQL, 100 WooCommerce batch)')
    .requiredOption('--calls-per-second <n>', 'rate limit in calls per second')
    .option('--json', 'print JSON')
    .action((opts: { skus: string; perCall: string; callsPerSecond: string; json?: boolean }) => {
      const skus = integerFlag(opts.skus, '--skus');
      const perCall = integerFlag(opts.perCall, '--per-call', 1);
      const callsPerSecond = numberFlag(opts.callsPerSecond, '--calls-per-second');
      if (callsPerSecond <= 0) throw invalid('--calls-per-second', 'must be > 0');
      const plan = fullSyncPlan({ skus, perCall, callsPerSecond });
      emit(opts.json, { skus, perCall, callsPerSecond, ...plan }, () => [
        `${fmt(skus)} SKUs / ${perCall} per call = ${fmt(plan.calls)} calls; at ${fmt(callsPerSecond)}/s: ${fmt(plan.seconds, 1)} s` +
          (plan.minutes >= 1 ? `, about ${Math.round(plan.minutes)} minutes (${formatDuration(plan.seconds)})` : ''),
      ]);
    });

  calc
    .command('level')
    .description("The sync level (1 manual .. 4 real-time) a sync delay achieves")
    .requiredOption('--sync-delay <duration>', 'measured sync delay, e.g. 90s, 2h, 3s')
    .option('--json', 'print JSON')
    .action((opts: { syncDelay: string; json?: boolean }) => {
      const delay = durationFlag(opts.syncDelay, '--sync-delay');
      const info = SYNC_LEVELS[syncLevel(delay)];
      emit(opts.json, { syncDelaySeconds: delay, ...info }, () => [
        `${formatDuration(delay)}: level ${info.level} (${info.name}: ${info.method}, typically ${info.typicalDelay})`,
        `typical oversell rate at this level: ${fmt(info.oversellRate.low * 100)}-${fmt(info.oversellRate.high * 100)}% of orders`,
      ]);
    });
}
