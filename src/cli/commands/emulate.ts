import type { Command } from 'commander';

/** The shared `emulate` parent command: found if another platform registered it first, else created. */
export function emulateCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'emulate') ??
    program.command('emulate').description('Run a platform emulator (a store API on your machine)')
  );
}
