/** `dropsync migrate`: apply pending schema migrations to the embedded database or the PostgreSQL server. */
import type { Command } from 'commander';
import { openStorage } from '../../runtime.ts';
import { migrate } from '../../store/index.ts';
import { addSettings, configOf } from '../settings.ts';

export function register(program: Command): void {
  const cmd = program
    .command('migrate')
    .description('Apply pending database migrations (PGlite in --data, or a PostgreSQL server at --database-url)')
    .option('--json', 'print JSON');
  addSettings(cmd, ['storage'])
    .action(async (opts: { json?: boolean }) => {
      const { db, location } = await openStorage(configOf(cmd), { migrate: false });
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
