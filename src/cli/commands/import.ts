/**
 * `dropsync import skus|stock FILE.csv`: bulk loads straight into the database through the same store and engine
 * code the API uses. Each row is all-or-nothing: a bad row is reported (line, field, reason) and changes nothing;
 * every other row is imported. Stock rows become stock events whose ids derive from the file's content and line,
 * so importing the same file twice changes nothing the second time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { openStorage, resolveSupplierId, systemClock } from '../../runtime.ts';
import { addSettings, configOf } from '../settings.ts';
import { DropsyncError, invalid } from '../../domain/errors.ts';
import { createEngine, type StockEventInput } from '../../engine/index.ts';
import { importSkusCsv, parseCsv, type RowError } from '../../store/admin/index.ts';
import type { Db } from '../../store/types.ts';

export const STOCK_COLUMNS = ['sku', 'location', 'quantity', 'delta', 'occurredat', 'id', 'reason', 'source'] as const;
const CHUNK = 1000;

interface ImportOptions { supplier?: string; json?: boolean; progress?: boolean }

interface Report { rows: number; imported: number; failed: number; errors: RowError[]; notes: string[]; [k: string]: unknown }

function readCsv(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid('FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function progressBar(enabled: boolean, label: string): { update(done: number, total: number): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} rows`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
    },
    stop() { if (started) bar.stop(); },
  };
}

function print(report: Report, opts: ImportOptions, what: string): void {
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const lines = [`${what}: ${report.imported} of ${report.rows} rows imported, ${report.failed} failed`];
    for (const n of report.notes) lines.push(n);
    for (const e of report.errors) lines.push(`  line ${e.line}: ${e.field}: ${e.message}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  // Some rows failed: the good ones are in, but scripts should notice.
  if (report.failed > 0) process.exitCode = 1;
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
      if ((v.occurredat ?? '').trim() !== '') {
        const t = Date.parse(v.occurredat!.trim());
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
      if ((v.reason ?? '').trim() !== '') event.reason = v.reason!.trim();
      events.push({ line: row.line, event });
    } catch (err) {
      if (!(err instanceof DropsyncError)) throw err;
      errors.push({ line: row.line, field: err.field ?? 'row', message: err.message.replace(`${err.field}: `, '') });
    }
  }
  return { events, errors, rows: rows.length };
}

async function importStock(db: Db, supplierId: string, text: string, onProgress: (done: number, total: number) => void): Promise<Report> {
  const now = new Date(systemClock.now()).toISOString();
  const { events, errors, rows } = stockRowsToEvents(text, now);
  const engine = createEngine({ db, clock: systemClock });
  const report: Report = { rows, imported: 0, failed: errors.length, errors, notes: [], duplicate: 0, stale: 0, createdSkus: [] as string[] };
  let done = errors.length;
  onProgress(done, rows);
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    // One event per row: the engine applies the valid ones and reports the others, so each row stands alone.
    const out = await engine.ingestEvents(supplierId, chunk.map((c) => c.event));
    out.results.forEach((r, j) => {
      const line = chunk[j]!.line;
      if (r.status === 'applied') report.imported++;
      else if (r.status === 'invalid') {
        report.failed++;
        const m = /^events\[\d+\]\.(\w+): (.*)$/.exec(r.reason ?? '');
        errors.push({ line, field: m?.[1] ?? 'row', message: m?.[2] ?? r.reason ?? 'invalid' });
      } else if (r.status === 'duplicate') (report.duplicate as number)++;
      else (report.stale as number)++;
    });
    (report.createdSkus as string[]).push(...out.createdSkus);
    done += chunk.length;
    onProgress(done, rows);
  }
  errors.sort((a, b) => a.line - b.line);
  if (report.duplicate) report.notes.push(`${String(report.duplicate)} row(s) already imported before (same event id): unchanged`);
  if (report.stale) report.notes.push(`${String(report.stale)} row(s) older than a newer count already applied: recorded as stale`);
  if ((report.createdSkus as string[]).length) report.notes.push(`new unlisted SKUs: ${(report.createdSkus as string[]).join(', ')}`);
  return report;
}

export function register(program: Command): void {
  const cmd = program.command('import').description('Bulk import from CSV straight into the database');
  const common = (c: Command) => addSettings(c, ['storage'])
    .option('--supplier <id>', 'supplier (needed only when the database has several)')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar');

  const skus = cmd.command('skus <file>').description('Create or update SKUs from CSV columns sku,name,category,listed');
  common(skus)
    .action(async (file: string, opts: ImportOptions) => {
      const text = readCsv(file);
      const { db } = await openStorage(configOf(skus));
      const bar = progressBar(opts.progress !== false && !opts.json && process.stderr.isTTY === true, 'skus');
      try {
        const supplierId = await resolveSupplierId(db, opts.supplier);
        const result = await importSkusCsv(db, supplierId, text, new Date(systemClock.now()), (d, t) => bar.update(d, t));
        bar.stop();
        if (result.skus.length > 0) await createEngine({ db, clock: systemClock }).recompute(supplierId, result.skus);
        print({
          rows: result.rows, imported: result.created + result.updated, failed: result.failed, errors: result.errors,
          notes: [`${result.created} created, ${result.updated} updated`, ...result.warnings], created: result.created, updated: result.updated,
        }, opts, `import skus ${file}`);
      } finally {
        bar.stop();
        await db.close();
      }
    });

  const stock = cmd.command('stock <file>').description('Apply stock from CSV columns sku,location,quantity|delta[,occurredAt,id,reason,source]');
  common(stock)
    .action(async (file: string, opts: ImportOptions) => {
      const text = readCsv(file);
      const { db } = await openStorage(configOf(stock));
      const bar = progressBar(opts.progress !== false && !opts.json && process.stderr.isTTY === true, 'stock');
      try {
        const supplierId = await resolveSupplierId(db, opts.supplier);
        const report = await importStock(db, supplierId, text, (d, t) => bar.update(d, t));
        bar.stop();
        print(report, opts, `import stock ${file}`);
      } finally {
        bar.stop();
        await db.close();
      }
    });
}
