/**
 * The `dropsync` command line. Each area registers its commands from `./commands/<name>.ts`.
 * Errors: a DropsyncError (bad input) prints one line naming the field on stderr and exits 2, with no stack trace.
 */
import { Command, CommanderError } from 'commander';
import { DropsyncError } from '../domain/errors.ts';
import { register as registerDomainCommands } from './domain-commands.ts';
import { register as registerSimulate } from './commands/simulate.ts';
import { register as registerDemo } from './commands/demo.ts';
import { register as registerEmulateWoo } from './commands/emulate-woocommerce.ts';
import { register as registerEmulateShopify } from './commands/emulate-shopify.ts';
import { register as registerServe } from './commands/serve.ts';
import { register as registerMigrate } from './commands/migrate.ts';
import { register as registerKeys } from './commands/keys.ts';
import { register as registerImport } from './commands/import.ts';

const program = new Command();
program
  .name('dropsync')
  .description('Real-time inventory sync for dropshipping suppliers')
  .showHelpAfterError(false)
  .exitOverride();

// Command registrations (one line per area).
registerDomainCommands(program);
registerSimulate(program);
registerDemo(program);
registerEmulateWoo(program);
registerEmulateShopify(program);
registerServe(program);
registerMigrate(program);
registerKeys(program);
registerImport(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version are not failures; usage errors are bad input (exit 2).
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof DropsyncError) {
    process.stderr.write(`dropsync: ${err.message}\n`);
    process.exit(err.kind === 'invalid' || err.kind === 'not_found' ? 2 : 1);
  }
  process.stderr.write(`dropsync: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
