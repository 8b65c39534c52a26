/** Number formatting and tables for the console (aligned text) and for results.md (Markdown). */
import type { BenchSection, Measurement, ModuleReport } from './types.ts';

/** Three significant figures, thousands separated; integers above 1000 without decimals. */
export function fmtNum(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const abs = Math.abs(v);
  if (abs >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString('en-US');
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  if (abs === 0) return '0';
  return v.toPrecision(2);
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '-';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

export function withRatio(m: Measurement): Measurement {
  if (m.ratio !== undefined || !m.baseline || m.baseline.value === 0) return m;
  return { ...m, ratio: m.median / m.baseline.value };
}

const HEAD = ['measurement', 'unit', 'median', 'p90', 'p99', 'n', 'baseline', 'baseline value', 'ratio'];

function row(m: Measurement): string[] {
  const r = withRatio(m);
  return [
    r.name + (r.note ? ` (${r.note})` : ''),
    r.unit,
    fmtNum(r.median),
    fmtNum(r.p90),
    fmtNum(r.p99),
    r.samples === undefined ? '-' : String(r.samples),
    r.baseline?.name ?? '-',
    fmtNum(r.baseline?.value),
    fmtRatio(r.ratio),
  ];
}

export function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function sectionText(s: BenchSection, md: boolean): string {
  const out: string[] = [md ? `### ${s.title}` : `== ${s.title}`];
  if (s.description) out.push(md ? `\n${s.description}\n` : s.description);
  if (s.measurements.length) out.push((md ? markdownTable : textTable)(HEAD, s.measurements.map(row)));
  for (const n of s.notes ?? []) out.push(md ? `- ${n}` : `  * ${n}`);
  return out.join('\n');
}

export function renderModule(r: ModuleReport, md: boolean): string {
  const head = `${r.module}: ${r.status}${r.quick ? ' (--quick)' : ''}, ${(r.durationMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`;
  const out: string[] = [md ? `## ${r.module}\n\n_${head}_` : `\n#### ${head}`];
  if (r.error) out.push(md ? `\n> ${r.error.split('\n').join('\n> ')}` : `  ${r.error}`);
  for (const s of r.sections) out.push((md ? '\n' : '') + sectionText(s, md));
  const flat = flatFigures(r.raw);
  if (flat) {
    const rows = flat.map(([k, v]) => [k, typeof v === 'number' ? fmtNum(v) : String(v)]);
    out.push((md ? '\n' : '') + (md ? markdownTable : textTable)(['figure', 'value'], rows));
  } else if (r.raw !== undefined) {
    const json = JSON.stringify(r.raw, null, 2);
    out.push(md ? `\n\`\`\`json\n${json}\n\`\`\`` : json);
  }
  return out.join('\n');
}

/** A module that returns a flat object of figures (numbers, strings, booleans) gets a two-column table. */
function flatFigures(raw: unknown): [string, number | string | boolean][] | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) return null;
  const ok = entries.every(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean');
  return ok ? (entries as [string, number | string | boolean][]) : null;
}
