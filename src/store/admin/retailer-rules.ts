import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import { theRow } from './util.ts';
import type { RetailerRule, Scope } from './types.ts';

interface RRDbRow {
  retailer_id: string; scope: Scope; scope_key: string; floor: number | null; ceiling: number | null; tier: number | null; excluded: boolean | null;
}

const toRule = (r: RRDbRow): RetailerRule => ({
  retailerId: r.retailer_id, scope: r.scope, scopeKey: r.scope_key, floor: r.floor, ceiling: r.ceiling, tier: r.tier, excluded: r.excluded,
});

export async function listRetailerRules(db: Db, supplierId: string, retailerId: string): Promise<RetailerRule[]> {
  const rows = await db.query<RRDbRow>(
    `select * from retailer_rules where supplier_id = $1 and retailer_id = $2
      order by case scope when 'global' then 0 when 'category' then 1 else 2 end, scope_key`,
    [supplierId, retailerId],
  );
  return rows.map(toRule);
}

export type RetailerRulePatch = Partial<Record<'floor' | 'ceiling' | 'tier', number | null>> & { excluded?: boolean | null };

/**
 * Merges `patch` into the retailer's rule at one scope (null clears a setting) and checks floor <= ceiling on
 * the merged row, so a valid PUT can never leave an invalid combination behind. A row left empty is removed.
 */
export async function setRetailerRule(
  db: Db,
  supplierId: string,
  retailerId: string,
  scope: Scope,
  scopeKey: string,
  patch: RetailerRulePatch,
): Promise<RetailerRule | null> {
  return db.transaction(async (tx) => {
    const own = await tx.query(`select 1 from retailers where supplier_id = $1 and id = $2`, [supplierId, retailerId]);
    if (own.length === 0) throw new DropsyncError('not_found', `no retailer "${retailerId}"`, 'id');
    const current = (await tx.query<RRDbRow>(
      `select * from retailer_rules where retailer_id = $1 and scope = $2 and scope_key = $3 for update`,
      [retailerId, scope, scopeKey],
    ))[0];
    const pick = <K extends 'floor' | 'ceiling' | 'tier' | 'excluded'>(k: K) =>
      (patch[k] !== undefined ? patch[k] : (current?.[k] ?? null)) as RRDbRow[K];
    const merged = { floor: pick('floor'), ceiling: pick('ceiling'), tier: pick('tier'), excluded: pick('excluded') };
    if (merged.floor !== null && merged.ceiling !== null && merged.floor > merged.ceiling) {
      throw invalid(patch.floor !== undefined ? 'floor' : 'ceiling', `floor (${merged.floor}) must not exceed ceiling (${merged.ceiling})`);
    }
    if (merged.floor === null && merged.ceiling === null && merged.tier === null && merged.excluded === null) {
      await tx.query(`delete from retailer_rules where retailer_id = $1 and scope = $2 and scope_key = $3`, [retailerId, scope, scopeKey]);
      return null;
    }
    const rows = await tx.query<RRDbRow>(
      `insert into retailer_rules (supplier_id, retailer_id, scope, scope_key, floor, ceiling, tier, excluded)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (retailer_id, scope, scope_key) do update set
         floor = excluded.floor, ceiling = excluded.ceiling, tier = excluded.tier, excluded = excluded.excluded
       returning *`,
      [supplierId, retailerId, scope, scopeKey, merged.floor, merged.ceiling, merged.tier, merged.excluded],
    );
    return toRule(theRow(rows, 'upsert of retailer_rules'));
  });
}

export async function deleteRetailerRule(db: Db, supplierId: string, retailerId: string, scope: Scope, scopeKey: string): Promise<void> {
  const rows = await db.query(
    `delete from retailer_rules where supplier_id = $1 and retailer_id = $2 and scope = $3 and scope_key = $4 returning 1`,
    [supplierId, retailerId, scope, scopeKey],
  );
  if (rows.length === 0) throw new DropsyncError('not_found', `no ${scope} rule for retailer "${retailerId}"`, 'scope');
}
