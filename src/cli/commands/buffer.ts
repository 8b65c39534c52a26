/** `dropsync buffer`: the buffer formula and recommendation table for one SKU. */
import type { Command } from 'commander';
import { bufferAdvice } from '../../domain/buffers.ts';
import { formatDuration } from '../../domain/duration.ts';
import { emit, fmt } from '../output.ts';
import { durationFlag, integerFlag, numberFlag } from '../parse.ts';

interface Options { stock: string; velocity: string; syncDelay: string; json?: boolean }

export function register(program: Command): void {
  program
    .command('buffer')
    .description('Safety buffer for a SKU: the formula (rounded up to 5%) and the recommendation table')
    .requiredOption('--stock <units>', 'units in stock')
    .requiredOption('--velocity <units-per-day>', 'all-channel sales per day')
    .requiredOption('--sync-delay <duration>', 'worst sync delay of the connected stores, e.g. 4h, 15m, 5s')
    .option('--json', 'print JSON')
    .action((opts: Options) => {
      const stock = integerFlag(opts.stock, '--stock');
      const velocity = numberFlag(opts.velocity, '--velocity');
      const delay = durationFlag(opts.syncDelay, '--sync-delay');
      const a = bufferAdvice(stock, velocity, delay);
      const result = {
        stock,
        velocity,
        syncDelaySeconds: delay,
        formulaPercent: a.formulaPercent,
        roundedPercent: a.roundedPercent,
        bufferUnits: a.bufferUnits,
        shown: a.shown,
        table: {
          velocityClass: a.velocityClass,
          syncClass: a.syncClass,
          viable: a.tablePercent !== null,
          percent: a.tablePercent,
          bufferUnits: a.tableBufferUnits,
          shown: a.tableShown,
        },
      };
      emit(opts.json, result, () => [
        `formula: ${fmt(velocity)}/day x ${formatDuration(delay)} (${fmt(delay / 86400, 4)} day${delay === 86400 ? '' : 's'}) / ${stock} units x 100 = ${fmt(a.formulaPercent, 4)}%`,
        `rounded up to the next 5%: ${a.roundedPercent}% -> buffer ${a.bufferUnits} units, show ${a.shown} of ${stock}`,
        a.tablePercent === null
          ? `table (${a.velocityClass} mover, ${a.syncClass} sync): not viable -> deactivate this SKU or sync faster`
          : `table (${a.velocityClass} mover, ${a.syncClass} sync): ${a.tablePercent}% -> buffer ${a.tableBufferUnits} units, show ${a.tableShown} of ${stock}`,
      ]);
    });
}
