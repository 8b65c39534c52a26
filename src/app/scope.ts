/** Which SKUs a rule at a scope can change, and how a scope's key is read. */
import type { Scope } from '../store/admin/types.ts';
import type { Db } from '../store/types.ts';
import { normaliseSku, skusInCategory } from '../store/admin/index.ts';

/** The SKUs a rule at this scope can change: all of them, one SKU, or a category's. */
export async function skusAffectedBy(db: Db, supplierId: string, scope: Scope, key: string): Promise<string[] | 'all'> {
  if (scope === 'global') return 'all';
  if (scope === 'sku') return [key];
  return skusInCategory(db, supplierId, key);
}

/** A scope's key as stored: a SKU code trimmed (and checked), a category as given, '' for global. */
export function scopeKey(scope: Scope, key: string): string {
  if (scope === 'global') return '';
  return scope === 'sku' ? normaliseSku(key, 'key') : key;
}
