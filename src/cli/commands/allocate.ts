/** `dropsync allocate`: one SKU's quantities and each retailer's shown quantity, from a JSON document on stdin. */
import type { Command } from 'commander';
import { allocateSku } from '../../domain/quantities.ts';
import { validateAllocationInput } from '../../domain/validate.ts';
import type { SkuAllocationResult } from '../../domain/types.ts';
import { printJson, printLines, table } from '../output.ts';
import { readJsonStdin } from '../parse.ts';

function human(r: SkuAllocationResult, strategy: string): string[] {
  const lines = [
    `onHand ${r.onHand} - committed ${r.committed} - held ${r.held} = atp ${r.atp}`,
    `own reserve ${r.ownReserve} -> after reserve ${r.afterReserve}`,
    `buffer ${r.buffer}${r.bufferPercent !== undefined ? ` (${r.bufferPercent}%)` : ''} -> pool ${r.pool}`,
  ];
  if (r.deactivated) {
    lines.push(r.deactivatedReason === 'not_viable'
      ? 'DEACTIVATED: the buffer table says this velocity is not viable at this sync delay; every retailer shows 0'
      : 'DEACTIVATED: atp is below the deactivation threshold; every retailer shows 0');
  }
  lines.push('', `strategy ${strategy}:`);
  lines.push(...table(['retailer', 'shown'], Object.entries(r.shown)));
  lines.push('', `overlap ${r.overlap}${r.overlap > 0 ? ' (units shown to more than one retailer at once)' : ''}`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('allocate')
    .description('Read one SKU as JSON on stdin; print its quantities and what each retailer is shown (JSON when piped or with --json)')
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .option('--table', 'print a human-readable table even when piped')
    .action(async (opts: { json?: boolean; table?: boolean }) => {
      const input = validateAllocationInput(await readJsonStdin());
      const result = allocateSku(input);
      // A JSON-in, JSON-out filter for scripts; a table for a person at a terminal.
      const asJson = opts.json ?? (!opts.table && !process.stdout.isTTY);
      if (asJson) printJson(result);
      else printLines(human(result, input.strategy));
    });
}
