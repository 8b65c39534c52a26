/**
 * `dropsync keys create|list|revoke`: supplier admin keys and retailer tokens, straight in the database. The new
 * key is printed alone on the last line so scripts can take it with `tail -n 1`.
 */
import type { Command } from 'commander';
import { bootstrap, openCommands, resolveSupplierId, systemClock } from '../../runtime.ts';
import { addSettings, configOf } from '../settings.ts';
import { listApiKeys } from '../../store/admin/index.ts';

interface Common { supplier?: string; json?: boolean }

export function register(program: Command): void {
  const keys = program.command('keys').description('Manage admin API keys and retailer tokens');

  const create = keys
    .command('create')
    .description('Create an admin key, or a retailer token with --retailer; prints the key once, alone on the last line')
    .option('--retailer <id>', 'create a retailer token (dsr_...) that sees only this retailer')
    .option('--supplier <id>', 'supplier (needed only when the database has several)')
    .option('--label <text>', 'a note to recognise the key by')
    .option('--json', 'print JSON');
  addSettings(create, ['storage'])
    .action(async (opts: Common & { retailer?: string; label?: string }) => {
      const { db, commands, close } = await openCommands(configOf(create));
      try {
        // On an empty database the first key also creates the supplier.
        const first = !opts.retailer && !opts.supplier ? await bootstrap(db, systemClock) : null;
        let key: string;
        let info: Record<string, unknown>;
        if (first) {
          key = first.adminKey;
          info = { supplierId: first.supplierId, kind: 'admin', createdSupplier: true };
        } else {
          const supplierId = await resolveSupplierId(db, opts.supplier);
          const out = await commands.keys.create({ supplierId, retailerId: null }, { retailerId: opts.retailer ?? null, label: opts.label ?? null });
          key = out.key;
          info = { supplierId, kind: out.apiKey.kind, id: out.apiKey.id, retailerId: out.apiKey.retailerId };
        }
        if (opts.json) {
          process.stdout.write(JSON.stringify({ ...info, key }) + '\n');
          return;
        }
        const what = info.kind === 'retailer' ? `Retailer token for ${String(info.retailerId)}` : 'Admin API key';
        process.stdout.write(`${what} (supplier ${String(info.supplierId)}); shown once, store it now:\n${key}\n`);
      } finally {
        await close();
      }
    });

  const list = keys
    .command('list')
    .description('List keys and tokens (never the secrets)')
    .option('--supplier <id>', 'supplier (needed only when the database has several)')
    .option('--json', 'print JSON');
  addSettings(list, ['storage'])
    .action(async (opts: Common) => {
      const { db, close } = await openCommands(configOf(list));
      try {
        const rows = await listApiKeys(db, await resolveSupplierId(db, opts.supplier));
        if (opts.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else {
          for (const k of rows) {
            process.stdout.write(`${k.id}  ${k.kind.padEnd(8)}  ${k.retailerId ?? '-'}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${k.label ?? ''}\n`);
          }
        }
      } finally {
        await close();
      }
    });

  const revoke = keys
    .command('revoke <id>')
    .description('Revoke a key or token by id')
    .option('--supplier <id>', 'supplier (needed only when the database has several)');
  addSettings(revoke, ['storage'])
    .action(async (id: string, opts: Common) => {
      const { db, commands, close } = await openCommands(configOf(revoke));
      try {
        const row = await commands.keys.revoke({ supplierId: await resolveSupplierId(db, opts.supplier), retailerId: null }, id);
        process.stdout.write(`revoked ${row.id}\n`);
      } finally {
        await close();
      }
    });
}
