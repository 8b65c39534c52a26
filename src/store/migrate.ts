import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Db } from './types.ts';

const dir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies numbered `NNN_name.sql` files not yet applied, each in its own transaction. Returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  await db.query(`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`);
  // Two processes starting at once on one server must not both apply a migration.
  const files = readdirSync(dir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query(`select pg_advisory_xact_lock(72470001)`);
    const done = new Set((await tx.query<{ name: string }>(`select name from schema_migrations`)).map((r) => r.name));
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.query(readFileSync(join(dir, file), 'utf8'));
      await tx.query(`insert into schema_migrations (name) values ($1)`, [file]);
      applied.push(file);
    }
  });
  return applied;
}
