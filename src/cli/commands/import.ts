/**
 * `dropsync import skus|stock FILE.csv`: bulk loads straight into the database through the same commands the
 * API uses (src/app/skus.ts, src/app/stock.ts). Each row is all-or-nothing: a bad row is reported (line, field,
 * reason) and changes nothing; every other row is imported. Stock rows become stock events whose ids derive from
 * the file's content and line, so importing the same file twice changes nothing the second time.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { openCommands, resolveSupplierId } from '../../runtime.ts';
import { addSettings, configOf } from '../settings.ts';
import { invalid } from '../../domain/errors.ts';
import type { RowError } from '../../store/admin/index.ts';
import type { Actor, Commands } from '../../app/index.ts';

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

export function register(program: Command): void {
  const cmd = program.command('import').description('Bulk import from CSV straight into the database');
  const common = (c: Command) => addSettings(c, ['storage'])
    .option('--supplier <id>', 'supplier (needed only when the database has several)')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar');

  /** Opens the database, runs one import as the supplier, and closes everything whatever happens. */
  const run = (c: Command, label: string, work: (commands: Commands, actor: Actor, text: string, onRow: (done: number, total: number) => void) => Promise<Report>) =>
    async (file: string, opts: ImportOptions) => {
      const text = readCsv(file);
      const { db, commands, close } = await openCommands(configOf(c));
      const bar = progressBar(opts.progress !== false && !opts.json && process.stderr.isTTY === true, label);
      try {
        const actor = { supplierId: await resolveSupplierId(db, opts.supplier), retailerId: null };
        const report = await work(commands, actor, text, (d, t) => bar.update(d, t));
        bar.stop();
        print(report, opts, `import ${label} ${file}`);
      } finally {
        bar.stop();
        await close();
      }
    };

  const skus = cmd.command('skus <file>').description('Create or update SKUs from CSV columns sku,name,category,listed (one transaction)');
  common(skus).action(run(skus, 'skus', async (commands, actor, text, onRow) => {
    const result = await commands.skus.importCsv(actor, text, onRow);
    return {
      rows: result.rows, imported: result.created + result.updated, failed: result.failed, errors: result.errors,
      notes: [`${result.created} created, ${result.updated} updated`, ...result.warnings], created: result.created, updated: result.updated,
    };
  }));

  const stock = cmd.command('stock <file>').description('Apply stock from CSV columns sku,location,quantity|delta[,occurredAt,id,reason,source]');
  common(stock).action(run(stock, 'stock', async (commands, actor, text, onRow) => {
    const r = await commands.stock.importCsv(actor, text, onRow);
    const notes: string[] = [];
    if (r.duplicate) notes.push(`${r.duplicate} row(s) already imported before (same event id): unchanged`);
    if (r.stale) notes.push(`${r.stale} row(s) older than a newer count already applied: recorded as stale`);
    if (r.createdSkus.length) notes.push(`new unlisted SKUs: ${r.createdSkus.join(', ')}`);
    return { rows: r.rows, imported: r.imported, failed: r.failed, errors: r.errors, notes, duplicate: r.duplicate, stale: r.stale, createdSkus: r.createdSkus };
  }));
}
