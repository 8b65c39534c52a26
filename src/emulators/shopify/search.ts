/**
 * The slice of Shopify's search syntax the emulator understands: `field:value`, `field:>value` (>, >=, <, <=),
 * quoted values, juxtaposition as AND, `OR` between groups. Unknown fields match everything (Shopify ignores
 * them too). `sku:` matches case-insensitively and ignores surrounding spaces, like Shopify's tokenised search,
 * so callers must compare exactly themselves.
 * Also: cursor pagination (`first`/`after`, or `last`) over a sorted list.
 */
import { GraphQLError } from 'graphql';

export interface Term {
  field: string;
  op: '=' | '>' | '>=' | '<' | '<=';
  value: string;
}

/** OR of AND-groups. */
export type SearchQuery = Term[][];

export function parseSearch(query: string | null | undefined): SearchQuery {
  if (!query || !query.trim()) return [];
  const tokens: string[] = [];
  const re = /\s*((?:[^\s"']+|"[^"]*"|'[^']*')+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) if (m[1]) tokens.push(m[1]);
  const groups: SearchQuery = [[]];
  for (const tok of tokens) {
    if (tok === 'OR') {
      groups.push([]);
      continue;
    }
    if (tok === 'AND') continue;
    const t = /^([a-z_]+):(>=|<=|>|<)?(.*)$/i.exec(tok);
    if (!t) continue;
    const value = (t[3] ?? '').replace(/^["']|["']$/g, '');
    groups[groups.length - 1]!.push({ field: t[1]!.toLowerCase(), op: (t[2] ?? '=') as Term['op'], value });
  }
  return groups.filter((g) => g.length > 0);
}

/** A field's value; a list (tags) matches when any element does. */
export type FieldGetter<T> = (item: T, field: string) => string | number | string[] | null | undefined;

export function matches<T>(q: SearchQuery, item: T, get: FieldGetter<T>): boolean {
  if (q.length === 0) return true;
  return q.some((group) =>
    group.every((term) => {
      const v = get(item, term.field);
      return Array.isArray(v) ? v.some((x) => termMatches(term, x)) : termMatches(term, v);
    }));
}

function termMatches(term: Term, actual: string | number | null | undefined): boolean {
  if (actual === undefined) return true;
  if (actual === null) return false;
  if (typeof actual === 'number') {
    // Times are compared as epoch ms; ids as numbers.
    const wanted = /^\d+$/.test(term.value) ? Number(term.value) : Date.parse(term.value);
    if (Number.isNaN(wanted)) return false;
    return compare(actual, wanted, term.op);
  }
  if (term.op !== '=') return compare(actual, term.value, term.op);
  return actual.trim().toLowerCase() === term.value.trim().toLowerCase();
}

function compare<V extends string | number>(a: V, b: V, op: Term['op']): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    default:
      return a === b;
  }
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Page<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export const MAX_PAGE = 250;

/** `list` must already be sorted by `key` (ascending strings); cursors are opaque to clients. */
export function paginate<T>(list: T[], key: (item: T) => string, args: PageArgs): Page<T> {
  if (args.first == null && args.last == null) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  const n = Number(args.first ?? args.last);
  if (n < 0 || n > MAX_PAGE) {
    throw new GraphQLError(`The connection cannot be larger than ${MAX_PAGE} (requested ${n})`, {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  const ordered = args.reverse ? [...list].reverse() : list;
  const keys = ordered.map(key);
  let start = 0;
  let end = ordered.length;
  // Cursors are sortable keys, so a cursor stays valid when its item changes or goes away.
  const past = (k: string, c: string) => (args.reverse ? k < c : k > c);
  if (args.after) {
    const c = decodeCursor(args.after);
    const idx = keys.findIndex((k) => past(k, c));
    start = idx < 0 ? ordered.length : idx;
  }
  if (args.before) {
    const c = decodeCursor(args.before);
    const idx = keys.findIndex((k) => !past(c, k) );
    if (idx >= 0) end = idx;
  }
  let from = start;
  let to = end;
  if (args.first != null) to = Math.min(end, start + n);
  else from = Math.max(start, end - n);
  return {
    items: ordered.slice(from, to),
    cursors: keys.slice(from, to).map(encodeCursor),
    hasNextPage: to < ordered.length,
    hasPreviousPage: from > 0,
  };
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown };
    return typeof v.k === 'string' ? v.k : '';
  } catch {
    throw new GraphQLError('Invalid cursor', { extensions: { code: 'BAD_REQUEST' } });
  }
}
