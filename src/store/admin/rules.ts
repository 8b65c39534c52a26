import { DropsyncError } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import type { Rule, RuleKind, Scope } from './types.ts';
import { iso } from './util.ts';

interface RuleDbRow { scope: Scope; scope_key: string; kind: RuleKind; value: unknown; updated_at: Date }

const toRule = (r: RuleDbRow): Rule => ({ scope: r.scope, scopeKey: r.scope_key, kind: r.kind, value: r.value, updatedAt: iso(r.updated_at) });

export async function listRules(db: Db, supplierId: string, filter: { scope?: Scope; scopeKey?: string } = {}): Promise<Rule[]> {
  const rows = await db.query<RuleDbRow>(
    `select scope, scope_key, kind, value, updated_at from rules
      where supplier_id = $1 and ($2::text is null or scope = $2) and ($3::text is null or scope_key = $3)
      order by case scope when 'global' then 0 when 'category' then 1 else 2 end, scope_key, kind`,
    [supplierId, filter.scope ?? null, filter.scopeKey ?? null],
  );
  return rows.map(toRule);
}

/**
 * Sets the rules of one scope in one transaction: a value replaces the rule of that kind, `null` removes it,
 * a kind not mentioned is left alone. Values are validated by the caller (domain validators).
 */
export async function setRules(
  db: Db,
  supplierId: string,
  scope: Scope,
  scopeKey: string,
  changes: Partial<Record<RuleKind, unknown>>,
  at: Date,
): Promise<Rule[]> {
  return db.transaction(async (tx) => {
    for (const [kind, value] of Object.entries(changes) as [RuleKind, unknown][]) {
      if (value === undefined) continue;
      if (value === null) {
        await tx.query(`delete from rules where supplier_id = $1 and scope = $2 and scope_key = $3 and kind = $4`, [supplierId, scope, scopeKey, kind]);
      } else {
        await tx.query(
          `insert into rules (supplier_id, scope, scope_key, kind, value, updated_at) values ($1, $2, $3, $4, $5::jsonb, $6)
           on conflict (supplier_id, scope, scope_key, kind) do update set value = excluded.value, updated_at = excluded.updated_at`,
          [supplierId, scope, scopeKey, kind, JSON.stringify(value), at],
        );
      }
    }
    return listRules(tx, supplierId, { scope, scopeKey });
  });
}

/** Removes every rule of one scope; not_found when there was none. */
export async function deleteRules(db: Db, supplierId: string, scope: Scope, scopeKey: string): Promise<void> {
  const rows = await db.query(`delete from rules where supplier_id = $1 and scope = $2 and scope_key = $3 returning kind`, [supplierId, scope, scopeKey]);
  if (rows.length === 0) throw new DropsyncError('not_found', `no rules at ${scope}${scopeKey ? ` "${scopeKey}"` : ''}`, 'scope');
}
