/**
 * SKU catalogue import from CSV (`sku,name,category,listed`). Each row is validated then written on its own,
 * so a bad row is reported with its line and field and changes nothing, while every good row is imported.
 */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Db } from '../types.ts';
import { parseCsv } from './csv.ts';
import { normaliseSku, upsertSku } from './skus.ts';

export const SKU_COLUMNS = ['sku', 'name', 'category', 'listed'] as const;

export interface RowError { line: number; field: string; message: string }

export interface SkuImportResult {
  rows: number;
  created: number;
  updated: number;
  failed: number;
  errors: RowError[];
  warnings: string[];
  /** SKUs written (created or updated), for recompute. */
  skus: string[];
}

const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);

function parseListed(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw invalid('listed', `must be true or false, got "${value}"`);
}

export async function importSkusCsv(
  db: Db,
  supplierId: string,
  text: string,
  at: Date,
  onRow?: (done: number, total: number) => void,
): Promise<SkuImportResult> {
  const { header, rows } = parseCsv(text);
  if (!header.includes('sku')) throw invalid('csv.header', 'needs a "sku" column');
  const unknown = header.filter((h) => !(SKU_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw invalid('csv.header', `unknown column "${unknown[0]}" (expected ${SKU_COLUMNS.join(', ')})`);

  const result: SkuImportResult = { rows: rows.length, created: 0, updated: 0, failed: 0, errors: [], warnings: [], skus: [] };
  const seen = new Map<string, number>();
  let done = 0;
  for (const row of rows) {
    try {
      if (row.values['__extra']) throw invalid('row', `has ${row.values['__extra']} more field(s) than the header`);
      const sku = normaliseSku(row.values.sku ?? '');
      const first = seen.get(sku);
      if (first !== undefined) throw invalid('sku', `"${sku}" already appears on line ${first}`);
      seen.set(sku, row.line);
      const input: { sku: string; name?: string | null; category?: string | null; listed?: boolean } = { sku };
      if (header.includes('name')) input.name = row.values.name?.trim() || null;
      if (header.includes('category')) input.category = row.values.category?.trim() || null;
      const listed = parseListed(row.values.listed ?? '');
      if (listed !== undefined) input.listed = listed;
      const out = await upsertSku(db, supplierId, input, at);
      if (out.created) result.created++;
      else result.updated++;
      result.skus.push(sku);
      for (const w of out.warnings) result.warnings.push(`line ${row.line}: ${w}`);
    } catch (err) {
      if (!(err instanceof DropsyncError)) throw err;
      result.failed++;
      result.errors.push({ line: row.line, field: err.field ?? 'row', message: messageOf(err) });
    }
    onRow?.(++done, rows.length);
  }
  return result;
}

function messageOf(err: DropsyncError): string {
  const prefix = err.field ? `${err.field}: ` : '';
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
