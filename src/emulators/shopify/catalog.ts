/** Catalogue seeding: generated SKUs (SKU-00001...) or a CSV/JSON file of `{sku, available, title?}`. */
import { readFileSync } from 'node:fs';
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Rng } from '../../domain/random.ts';
import type { CatalogEntry } from './types.ts';

export function generateCatalog(count: number, rng: Rng): CatalogEntry[] {
  const width = Math.max(5, String(count).length);
  const out: CatalogEntry[] = [];
  for (let i = 1; i <= count; i++) {
    out.push({ sku: `SKU-${String(i).padStart(width, '0')}`, available: Math.floor(rng() * 50), title: `Product ${i}` });
  }
  return out;
}

/** Reads a .json (array of entries) or .csv (header with `sku`, optional `available`, `title`) catalogue. */
export function loadCatalogFile(path: string): CatalogEntry[] {
  const text = readFileSync(path, 'utf8');
  if (path.toLowerCase().endsWith('.json')) return parseCatalogJson(text);
  return parseCatalogCsv(text);
}

export function parseCatalogJson(text: string): CatalogEntry[] {
  const data = JSON.parse(text) as unknown;
  const list = Array.isArray(data) ? data : (data as { items?: unknown }).items;
  if (!Array.isArray(list)) throw invalid('catalog', 'expected an array of {sku, available}');
  return list.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    if (typeof e.sku !== 'string') throw invalid(`catalog[${i}].sku`, 'must be a string');
    const available = e.available === undefined ? undefined : Number(e.available);
    if (available !== undefined && !Number.isInteger(available)) throw invalid(`catalog[${i}].available`, 'must be an integer');
    const entry: CatalogEntry = { sku: e.sku };
    if (available !== undefined) entry.available = available;
    if (typeof e.title === 'string') entry.title = e.title;
    if (e.levels && typeof e.levels === 'object') entry.levels = e.levels as Record<string, number>;
    return entry;
  });
}

export function parseCatalogCsv(text: string): CatalogEntry[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
  const skuCol = header.indexOf('sku');
  if (skuCol < 0) throw new DropsyncError('invalid', 'CSV header must name a `sku` column', 'catalog');
  const availCol = header.findIndex((h) => h === 'available' || h === 'quantity');
  const titleCol = header.indexOf('title');
  return lines.map((line, i) => {
    const cells = line.split(',');
    const entry: CatalogEntry = { sku: cells[skuCol] ?? '' };
    if (availCol >= 0 && cells[availCol] !== undefined && cells[availCol].trim() !== '') {
      const n = Number(cells[availCol]);
      if (!Number.isInteger(n)) throw invalid(`catalog line ${i + 2}: available`, 'must be an integer');
      entry.available = n;
    }
    if (titleCol >= 0 && cells[titleCol]) entry.title = cells[titleCol].trim();
    return entry;
  });
}
