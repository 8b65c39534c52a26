/** Human text for the simulations: the seed's tables, filled with what the model measured. */
import { formatDuration } from '../domain/duration.ts';
import { groupTimelineRows } from './timeline.ts';
import type { LevelReport, LevelsResult, TimelineResult } from './types.ts';

function table(header: string[], rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string[] {
  const cells = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((c, i) => (rightAlign.has(i) ? c.padStart(widths[i]!) : i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const money = (n: number): string => '$' + n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const percent = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`;

export function formatTimeline(result: TimelineResult): string[] {
  const how =
    result.syncIntervalSeconds > 0
      ? `the store is synced every ${formatDuration(result.syncIntervalSeconds)} from Monday 9:00`
      : `every change is pushed to the store within ${result.pushDelaySeconds} s`;
  const rows = groupTimelineRows(result.rows).map((r) => [
    r.time,
    r.event,
    String(r.actual),
    String(r.storeShows),
    r.gap > 0 ? `${r.gap} phantom` : '0',
    String(r.oversells),
  ]);
  return [
    `Anatomy of an oversell, sync: ${result.sync} (${how})`,
    '',
    ...table(['Time', 'Event', 'Actual stock', 'Store shows', 'Gap', 'Oversells'], rows, new Set([2, 3, 5])),
    '',
    `Retailer orders: ${result.retailerOrders} shoppers, ${result.accepted} accepted by the store, ${result.turnedAway} found it sold out.`,
    `Oversells: ${result.oversells} (${result.oversells} cancellation emails), cost ${money(result.oversellCost)} at ${money(result.costPerOversell)} each.`,
  ];
}

function interval(report: LevelReport): string {
  const s = [...report.syncSeconds].sort((a, b) => a - b);
  const low = s[0] ?? 0;
  const high = s[s.length - 1] ?? 0;
  const fmt = (x: number): string => (x < 10 ? `${x.toFixed(1)}s` : formatDuration(x).split(' ').slice(0, 2).join(' '));
  return report.level === 4 ? `push in ${fmt(low)}-${fmt(high)}` : `every ${fmt(low)}-${fmt(high)}`;
}

function versusSeed(report: LevelReport): string {
  const { low, high } = report.seedRate;
  const range = low === 0 ? `under ${percent(high, 1)}` : `${percent(low, 1)}-${percent(high, 1)}`;
  const where = report.rate < low ? 'below' : report.rate > high ? 'above' : 'within';
  return `${range} (${where})`;
}

function toolCost(report: LevelReport): string {
  const c = report.seedToolCost;
  const range = c.low === c.high ? money(c.low) : `${money(c.low)}-${money(c.high)}`;
  return c.labour ? `${range} (+${money(c.labour)}+ labour)` : range;
}

export function formatLevels(result: LevelsResult): string[] {
  const o = result.options;
  const a = o.allocation;
  const reserve = a.ownReserve ? ('units' in a.ownReserve ? `${a.ownReserve.units} units` : `${a.ownReserve.percent}%`) : 'none';
  const buffer = a.buffer ? ('units' in a.buffer ? `${a.buffer.units} units` : 'percent' in a.buffer ? `${a.buffer.percent}%` : 'rule') : 'none';
  const rows = result.levels.map((l) => [
    `${l.level} ${l.name}`,
    interval(l),
    l.scale ? `${l.accepted}*` : String(l.accepted),
    l.scale ? `${l.turnedAway}*` : String(l.turnedAway),
    l.scale ? `${l.oversells}*` : String(l.oversells),
    percent(l.rate),
    versusSeed(l),
    l.oversellsPerMonth.toFixed(1),
    money(l.monthlyCost),
    money(l.annualCost),
    toolCost(l),
  ]);
  const lines = [
    `Sync levels on ${o.skus} SKUs x ${o.retailers} retailers over ${o.days} days (seed ${o.seed}): ` +
      `${result.stockEvents} stock events (${o.changesPerSkuDay}/SKU/day), ${result.retailerOrders} retailer orders (${o.ordersPerMonth}/month).`,
    `Allocation: ${a.strategy}, own reserve ${reserve}, buffer ${buffer}, deactivation below ${a.deactivationThreshold}. ` +
      `Stock depth ${o.coverDays} days, lead time 1-${o.leadDays} days.`,
    '',
    ...table(
      ['Level', 'Sync', 'Accepted', 'Sold out', 'Oversells', 'Rate', 'Seed says', 'Per month', 'Cost/month', 'Cost/year', 'Seed: sync tool/month'],
      rows,
      new Set([2, 3, 4, 5, 7, 8, 9]),
    ),
    '',
    `Rate = oversells / orders the stores accepted; "Sold out" = shoppers the store turned away. Cost at ${money(o.costPerOversell)} per oversell;`,
    "the last column is the seed's price of the sync method itself, to set against the oversell cost.",
  ];
  for (const l of result.levels) {
    lines.push(`Level ${l.level}: ${l.method}.${l.note ? ' ' + l.note : ''}`);
  }
  if (result.levels.some((l) => l.scale)) lines.push('* measured on the sample of SKUs named above; the rate is the sample\'s, per-month figures are scaled.');
  return lines;
}
