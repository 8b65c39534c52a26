/**
 * A small RFC 4180 CSV reader: quoted fields with "" escapes and embedded newlines, CRLF or LF, a UTF-8 BOM
 * ignored. Rows keep their 1-based line number (the header is line 1) so errors can point at the file.
 */
import { invalid } from '../../domain/errors.ts';

export interface CsvRow { line: number; values: Record<string, string> }

export function parseCsv(text: string): { header: string[]; rows: CsvRow[] } {
  const records = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const first = records.shift();
  if (!first) throw invalid('csv', 'is empty (expected a header line)');
  const header = first.fields.map((h) => h.trim().toLowerCase());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw invalid('csv.header', 'has an empty column name');
    if (seen.has(h)) throw invalid('csv.header', `column "${h}" appears twice`);
    seen.add(h);
  }
  const rows: CsvRow[] = [];
  for (const rec of records) {
    if (rec.fields.length === 1 && rec.fields[0]!.trim() === '') continue; // blank line
    const values: Record<string, string> = {};
    header.forEach((h, i) => { values[h] = rec.fields[i] ?? ''; });
    if (rec.fields.length > header.length) values['__extra'] = String(rec.fields.length - header.length);
    rows.push({ line: rec.line, values });
  }
  return { header, rows };
}

function splitRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '') { quoted = true; field = ''; }
    else if (c === ',') { fields.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else if (c === '\n') {
      fields.push(field);
      out.push({ line: recordLine, fields });
      fields = []; field = ''; line++; recordLine = line;
    } else field += c;
  }
  if (quoted) throw invalid(`csv line ${recordLine}`, 'has an unterminated quoted field');
  if (field !== '' || fields.length > 0) { fields.push(field); out.push({ line: recordLine, fields }); }
  return out;
}
