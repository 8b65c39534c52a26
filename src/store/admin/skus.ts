import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import type { SkuInput, SkuRow } from './types.ts';
import { isUniqueViolation, iso, theRow } from './util.ts';

interface SkuDbRow {
  sku: string; name: string | null; category: string | null; listed: boolean; on_hand: number; committed: number;
  held: number; velocity: number; created_at: Date; updated_at: Date;
}

function toSku(r: SkuDbRow): SkuRow {
  return {
    sku: r.sku, name: r.name, category: r.category, listed: r.listed, onHand: r.on_hand, committed: r.committed,
    held: r.held, velocity: Number(r.velocity), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** SKU codes are matched exactly after trimming; an empty code is no code. */
export function normaliseSku(value: string, field = 'sku'): string {
  const sku = value.trim();
  if (sku === '') throw invalid(field, 'must not be empty');
  if (sku.length > 200) throw invalid(field, 'must be at most 200 characters');
  return sku;
}

/** Existing SKUs equal to `sku` ignoring case but not exactly: reported, never merged. */
export async function caseVariants(db: Db, supplierId: string, sku: string): Promise<string[]> {
  const rows = await db.query<{ sku: string }>(
    `select sku from skus where supplier_id = $1 and lower(sku) = lower($2) and sku <> $2 order by sku`,
    [supplierId, sku],
  );
  return rows.map((r) => r.sku);
}

export async function listSkus(
  db: Db,
  supplierId: string,
  q: { category?: string; listed?: boolean; after?: string; limit: number },
): Promise<SkuRow[]> {
  const rows = await db.query<SkuDbRow>(
    `select * from skus where supplier_id = $1
        and ($2::text is null or category = $2)
        and ($3::boolean is null or listed = $3)
        and ($4::text is null or sku > $4)
      order by sku limit $5`,
    [supplierId, q.category ?? null, q.listed ?? null, q.after ?? null, q.limit],
  );
  return rows.map(toSku);
}

export async function getSkuRow(db: Db, supplierId: string, sku: string): Promise<SkuRow> {
  const rows = await db.query<SkuDbRow>(`select * from skus where supplier_id = $1 and sku = $2`, [supplierId, sku]);
  if (!rows[0]) throw new DropsyncError('not_found', `no SKU "${sku}"`, 'sku');
  return toSku(rows[0]);
}

/** Creates a SKU; `warnings` lists case-insensitive near-duplicates. */
export async function createSku(db: Db, supplierId: string, input: SkuInput, at: Date): Promise<{ sku: SkuRow; warnings: string[] }> {
  const code = normaliseSku(input.sku);
  return db.transaction(async (tx) => {
    let rows: SkuDbRow[];
    try {
      rows = await tx.query<SkuDbRow>(
        `insert into skus (supplier_id, sku, name, category, listed, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6) returning *`,
        [supplierId, code, input.name ?? null, input.category ?? null, input.listed ?? true, at],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new DropsyncError('conflict', `SKU "${code}" already exists`, 'sku');
      throw err;
    }
    const variants = await caseVariants(tx, supplierId, code);
    return { sku: toSku(theRow(rows, 'insert into skus')), warnings: variants.map((v) => `SKU "${code}" differs only in case from existing "${v}"`) };
  });
}

/**
 * Creates or updates name/category/listed (the CSV import and PUT). Stock columns are never touched here:
 * stock moves only through stock events, so the ledger explains every unit.
 */
export async function upsertSku(db: Db, supplierId: string, input: SkuInput, at: Date): Promise<{ sku: SkuRow; created: boolean; warnings: string[] }> {
  const code = normaliseSku(input.sku);
  return db.transaction(async (tx) => {
    const rows = await tx.query<SkuDbRow & { inserted: boolean }>(
      `insert into skus (supplier_id, sku, name, category, listed, created_at, updated_at)
       values ($1, $2, $3, $4, coalesce($5, true), $6, $6)
       on conflict (supplier_id, sku) do update set
         name = case when $7 then excluded.name else skus.name end,
         category = case when $8 then excluded.category else skus.category end,
         listed = coalesce($5, skus.listed),
         updated_at = excluded.updated_at
       returning *, (xmax = 0) as inserted`,
      [supplierId, code, input.name ?? null, input.category ?? null, input.listed ?? null, at, input.name !== undefined, input.category !== undefined],
    );
    const row = theRow(rows, 'upsert of skus');
    const variants = row.inserted ? await caseVariants(tx, supplierId, code) : [];
    return { sku: toSku(row), created: row.inserted, warnings: variants.map((v) => `SKU "${code}" differs only in case from existing "${v}"`) };
  });
}

export async function updateSku(
  db: Db,
  supplierId: string,
  sku: string,
  patch: { name?: string | null; category?: string | null; listed?: boolean },
  at: Date,
): Promise<{ sku: SkuRow; categoryChanged: boolean }> {
  return db.transaction(async (tx) => {
    const before = await getSkuRow(tx, supplierId, sku);
    const rows = await tx.query<SkuDbRow>(
      `update skus set
         name = case when $3 then $4 else name end,
         category = case when $5 then $6 else category end,
         listed = coalesce($7, listed),
         updated_at = $8
       where supplier_id = $1 and sku = $2 returning *`,
      [supplierId, sku, patch.name !== undefined, patch.name ?? null, patch.category !== undefined, patch.category ?? null, patch.listed ?? null, at],
    );
    const after = toSku(theRow(rows, 'update of skus'));
    return { sku: after, categoryChanged: after.category !== before.category };
  });
}

/** Only a SKU with no history can be deleted; otherwise unlist it (listed=false) to keep the ledger whole. */
export async function deleteSku(db: Db, supplierId: string, sku: string): Promise<void> {
  await db.transaction(async (tx) => {
    await getSkuRow(tx, supplierId, sku);
    const used = await tx.query<{ n: number }>(
      `select (select count(*) from ledger where supplier_id = $1 and sku = $2)
            + (select count(*) from listings where supplier_id = $1 and sku = $2)
            + (select count(*) from order_lines where supplier_id = $1 and sku = $2)
            + (select count(*) from holds where supplier_id = $1 and sku = $2) as n`,
      [supplierId, sku],
    );
    if (Number(used[0]?.n ?? 0) > 0) {
      throw new DropsyncError('conflict', `SKU "${sku}" has stock history, listings, orders or holds; set listed=false instead`, 'sku');
    }
    await tx.query(`delete from stock_levels where supplier_id = $1 and sku = $2`, [supplierId, sku]);
    await tx.query(`delete from stock_events where supplier_id = $1 and sku = $2`, [supplierId, sku]);
    await tx.query(`delete from rules where supplier_id = $1 and scope = 'sku' and scope_key = $2`, [supplierId, sku]);
    await tx.query(`delete from retailer_rules where supplier_id = $1 and scope = 'sku' and scope_key = $2`, [supplierId, sku]);
    await tx.query(`delete from skus where supplier_id = $1 and sku = $2`, [supplierId, sku]);
  });
}

/** The SKUs of one category (what a category rule can change). */
export async function skusInCategory(db: Db, supplierId: string, category: string): Promise<string[]> {
  return (await db.query<{ sku: string }>(`select sku from skus where supplier_id = $1 and category = $2`, [supplierId, category])).map((r) => r.sku);
}
