import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv } from '../../src/store/admin/csv.ts';
import { stockRowsToEvents } from '../../src/app/index.ts';
import { DropsyncError } from '../../src/domain/errors.ts';

test('CSV: BOM, CRLF, quotes with commas, escaped quotes and newlines, blank lines; line numbers of the file', () => {
  const text = '\uFEFFSKU,Name\r\nA-1,"Mug, ""large"""\r\n\r\nA-2,"two\nlines"\nA-3,plain,extra\n';
  const { header, rows } = parseCsv(text);
  assert.deepEqual(header, ['sku', 'name']);
  assert.deepEqual(rows.map((r) => [r.line, r.values.sku, r.values.name]), [[2, 'A-1', 'Mug, "large"'], [4, 'A-2', 'two\nlines'], [6, 'A-3', 'plain']]);
  assert.equal(rows[2]!.values['__extra'], '1');
  assert.throws(() => parseCsv(''), (e: unknown) => e instanceof DropsyncError && e.field === 'csv');
  assert.throws(() => parseCsv('sku,sku\n'), /appears twice/);
  assert.throws(() => parseCsv('sku\n"open'), /unterminated/);
});

test('stock CSV rows: set or adjust per row, bad rows named by column, ids stable per file and line', () => {
  const text = 'sku,location,quantity,delta,occurredAt\nS-1,,10,,\nS-1,wh2,,-2,2026-11-26T10:00:00Z\nS-2,main,5,1,\nS-3,main,abc,,\n,main,1,,\nS-4,main,1,,yesterday\n';
  const out = stockRowsToEvents(text, '2026-11-26T12:00:00.000Z');
  assert.equal(out.rows, 6);
  assert.deepEqual(out.events.map((e) => [e.line, e.event.kind, e.event.location, e.event.quantity ?? e.event.delta, e.event.occurredAt]), [
    [2, 'set', 'main', 10, '2026-11-26T12:00:00.000Z'],
    [3, 'adjust', 'wh2', -2, '2026-11-26T10:00:00.000Z'],
  ]);
  assert.deepEqual(out.errors.map((e) => [e.line, e.field]), [[4, 'quantity'], [5, 'quantity'], [6, 'sku'], [7, 'occurredAt']]);
  assert.equal(stockRowsToEvents(text, 'x').events[0]!.event.id, out.events[0]!.event.id, 'same file, same ids');
  assert.notEqual(stockRowsToEvents(text + 'S-9,main,1,,\n', 'x').events[0]!.event.id, out.events[0]!.event.id, 'another file, other ids');
  assert.throws(() => stockRowsToEvents('sku,colour\n', 'x'), (e: unknown) => e instanceof DropsyncError && e.field === 'csv.header');
});
