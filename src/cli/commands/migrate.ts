/** `dropsync migrate`: apply pending schema migrations to the embedded database or DATABASE_URL. */
import type { Command } from 'commander';
import { openStorage } from '../../app.ts';
import { migrate } from '../../store/index.ts';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (PGlite in --data, or DATABASE_URL)')
    .option('--data <dir>', 'data directory for the embedded database (default DROPSYNC_DATA or ./data)')
    .option('--json', 'print JSON')
    .action(async (opts: { data?: string; json?: boolean }) => {
      const { db, location } = await openStorage({ dataDir: opts.data, migrate: false });
      try {
        const applied = await migrate(db);
        if (opts.json) process.stdout.write(JSON.stringify({ database: location, applied }) + '\n');
        else if (applied.length === 0) process.stdout.write(`${location}: up to date\n`);
        else process.stdout.write(`${location}: applied ${applied.join(', ')}\n`);
      } finally {
        await db.close();
      }
    });
}
