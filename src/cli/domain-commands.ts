/** The pure-domain commands (allocate, buffer, calc), registered together so main.ts needs one line. */
import type { Command } from 'commander';
import { register as registerAllocate } from './commands/allocate.ts';
import { register as registerBuffer } from './commands/buffer.ts';
import { register as registerCalc } from './commands/calc.ts';

export function register(program: Command): void {
  registerAllocate(program);
  registerBuffer(program);
  registerCalc(program);
}
