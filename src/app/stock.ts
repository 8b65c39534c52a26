/**
 * Stock: events from the supplier's inventory system, and CSV stock files. Each call of events is applied in
 * one transaction by the engine (a result per event; the valid ones apply, the others are reported); a CSV file
 * becomes events whose ids derive from the file's content and line, so importing it twice changes nothing the
 * second time, applied a thousand rows per transaction.
 */
import { createHash } from 'node:crypto';
import { DropsyncError, invalid } from '../domain/errors.ts';
import type { IngestResult, StockEventInput } from '../engine/types.ts';
import { parseCsv, type RowError } from '../store/admin/index.ts';
import type { Actor, AppDeps } from './unit.ts';

export const STOCK_COLUMNS = ['sku', 'location', 'quantity', 'delta', 'occurredat', 'id', 'reason', 'source'] as const;
/** CSV rows per ingest call (the engine's largest batch). */
const CHUNK = 1000;

export interface StockImportReport {
  rows: number;
  imported: number;
  failed: number;
  duplicate: number;
  stale: number;
  errors: RowError[];
  createdSkus: string[];
}

/** Validates stock rows into events; bad rows become errors (by line and column). */
export function stockRowsToEvents(text: string, nowIso: string): { events: { line: number; event: StockEventInput }[]; errors: RowError[]; rows: number } {
  const { header, rows } = parseCsv(text);
  const unknown = header.filter((h) => !(STOCK_COLUMNS as readonly string[]).includes(h));
  if (unknown.length > 0) throw invalid('csv.header', `unknown column "${unknown[0]}" (expected ${STOCK_COLUMNS.join(', ')})`);
  if (!header.includes('sku')) throw invalid('csv.header', 'needs a "sku" column');
  if (!header.includes('quantity') && !header.includes('delta')) throw invalid('csv.header', 'needs a "quantity" (set) or "delta" (adjust) column');
  const fileId = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const events: { line: number; event: StockEventInput }[] = [];
  const errors: RowError[] = [];
  const integer = (v: string, field: string, min?: number): number => {
    const t = v.trim();
    if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(Number(t))) throw invalid(field, `must be a whole number, got "${v}"`);
    const n = Number(t);
    if (min !== undefined && n < min) throw invalid(field, `must be >= ${min}, got ${n}`);
    return n;
  };
  for (const row of rows) {
    try {
      const v = row.values;
      if (v['__extra']) throw invalid('row', `has ${v['__extra']} more field(s) than the header`);
      const sku = (v.sku ?? '').trim();
      if (sku === '') throw invalid('sku', 'must not be empty');
      const q = (v.quantity ?? '').trim();
      const d = (v.delta ?? '').trim();
      if (q !== '' && d !== '') throw invalid('quantity', 'give quantity (set) or delta (adjust), not both');
      if (q === '' && d === '') throw invalid('quantity', 'give quantity (set) or delta (adjust)');
      let occurredAt = nowIso;
      const when = (v.occurredat ?? '').trim();
      if (when !== '') {
        const t = Date.parse(when);
        if (!Number.isFinite(t)) throw invalid('occurredAt', `is not a date/time: "${v.occurredat}"`);
        occurredAt = new Date(t).toISOString();
      }
      const event: StockEventInput = {
        id: (v.id ?? '').trim() || `csv:${fileId}:${row.line}`,
        sku,
        location: (v.location ?? '').trim() || 'main',
        kind: q !== '' ? 'set' : 'adjust',
        occurredAt,
        source: (v.source ?? '').trim() || 'csv-import',
      };
      if (q !== '') event.quantity = integer(q, 'quantity', 0);
      else event.delta = integer(d, 'delta');
      const reason = (v.reason ?? '').trim();
      if (reason !== '') event.reason = reason;
      events.push({ line: row.line, event });
    } catch (err) {
      if (!(err instanceof DropsyncError)) throw err;
      errors.push({ line: row.line, field: err.field ?? 'row', message: err.message.replace(`${err.field}: `, '') });
    }
  }
  return { events, errors, rows: rows.length };
}

export function stockCommands(deps: AppDeps) {
  return {
    /** Up to 1,000 events; each is checked on its own, so `events` is taken as received. */
    record(actor: Actor, events: readonly unknown[]): Promise<IngestResult> {
      return deps.engine.ingestEvents(actor.supplierId, events);
    },

    /** A CSV stock file (sku,location,quantity|delta[,occurredAt,id,reason,source]); a report by line. */
    async importCsv(actor: Actor, text: string, onProgress: (done: number, total: number) => void = () => {}): Promise<StockImportReport> {
      const { events, errors, rows } = stockRowsToEvents(text, new Date(deps.clock.now()).toISOString());
      const report: StockImportReport = { rows, imported: 0, failed: errors.length, duplicate: 0, stale: 0, errors, createdSkus: [] };
      let done = errors.length;
      onProgress(done, rows);
      for (let i = 0; i < events.length; i += CHUNK) {
        const chunk = events.slice(i, i + CHUNK);
        // One event per row: the engine applies the valid ones and reports the others, so each row stands alone.
        const out = await deps.engine.ingestEvents(actor.supplierId, chunk.map((c) => c.event));
        out.results.forEach((r, j) => {
          const line = chunk[j]?.line ?? 0;
          if (r.status === 'applied') report.imported++;
          else if (r.status === 'invalid') {
            report.failed++;
            const m = /^events\[\d+\]\.(\w+): (.*)$/.exec(r.reason ?? '');
            errors.push({ line, field: m?.[1] ?? 'row', message: m?.[2] ?? r.reason ?? 'invalid' });
          } else if (r.status === 'duplicate') report.duplicate++;
          else report.stale++;
        });
        report.createdSkus.push(...out.createdSkus);
        done += chunk.length;
        onProgress(done, rows);
      }
      errors.sort((a, b) => a.line - b.line);
      return report;
    },
  };
}
