/**
 * Bulk query operations: `bulkOperationRunQuery` runs one connection query over the whole catalogue (no page
 * limit), writes the result as JSONL (one object a line; nodes of nested connections on lines of their own with
 * `__parentId`; nested single objects stay inline) and serves it at `{baseUrl}/_bulk/{id}.jsonl`.
 * As Shopify since 2026-01: up to five bulk operations per app and shop run at once (a sixth is refused with
 * LIMIT_REACHED), each starting CREATED, then RUNNING, then COMPLETED; `node(id:)` and
 * `bulkOperations(query: "status:...")` find them, the deprecated `currentBulkOperation` shows the newest.
 * Emulator choices (Shopify documents no timings): the result is computed when the run is accepted, and the
 * status follows the emulator's clock: RUNNING after a fifth of `bulkDurationMs`, COMPLETED after all of it.
 * Supported roots: `inventoryItems`, `productVariants`, `locations`; anything else is an INVALID userError.
 */
import { execute, Kind, parse, validate, type DocumentNode } from 'graphql';
import { shopifySchema } from './schema.ts';
import { gid, type ShopState } from './state.ts';
import { connection, Views } from './views.ts';

type View = Record<string, unknown>;

export interface BulkOperationRec {
  id: number;
  query: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  createdAt: number;
  completedAt: number | null;
  lines: string[];
  rootObjectCount: number;
  fileSize: number;
}

const SUPPORTED_ROOTS = new Set(['inventoryItems', 'productVariants', 'locations']);
/** Bulk operations one app may run at once on one shop (2026-01 and later). */
export const MAX_CONCURRENT_BULK = 5;

export class BulkOperations {
  readonly ops: BulkOperationRec[] = [];
  /** Set by the server once it listens; the JSONL URL is built from it. */
  baseUrl = 'http://127.0.0.1';

  private readonly views: Views;

  constructor(private readonly s: ShopState, private readonly durationMs: () => number = () => 0) {
    this.views = new Views(s, true);
  }

  /** Moves an operation along by the clock. */
  private advance(op: BulkOperationRec): BulkOperationRec {
    if (op.status === 'COMPLETED' || op.status === 'FAILED') return op;
    const elapsed = this.s.clock.now() - op.createdAt;
    const total = this.durationMs();
    if (elapsed >= total) {
      op.status = 'COMPLETED';
      op.completedAt = op.createdAt + total;
    } else if (elapsed >= total / 5) op.status = 'RUNNING';
    return op;
  }

  /** Operations not finished yet. */
  active(): BulkOperationRec[] {
    return this.ops.map((o) => this.advance(o)).filter((o) => o.status === 'CREATED' || o.status === 'RUNNING');
  }

  get(id: number): BulkOperationRec | undefined {
    const op = this.ops.find((o) => o.id === id);
    return op ? this.advance(op) : undefined;
  }

  /** The JSONL text of a completed operation, or undefined. */
  file(id: number): string | undefined {
    const op = this.get(id);
    return op && op.status === 'COMPLETED' ? op.lines.map((l) => `${l}\n`).join('') : undefined;
  }

  /** The mutation's payload (bulkOperation, userErrors). */
  async run(query: string): Promise<View> {
    const fail = (code: 'INVALID' | 'LIMIT_REACHED', message: string) => ({
      bulkOperation: null,
      userErrors: [{ code, field: ['query'], message }],
    });
    const running = this.active();
    if (running.length >= MAX_CONCURRENT_BULK) {
      return fail('LIMIT_REACHED', `Bulk operations limit reached: ${running.length} operations for this app and shop are in progress. Please try again later.`);
    }
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (err) {
      return fail('INVALID', `Invalid bulk query: ${(err as Error).message}`);
    }
    const errors = validate(shopifySchema(), doc);
    if (errors.length > 0) return fail('INVALID', `Invalid bulk query: ${errors.map((e) => e.message).join('; ')}`);
    const op = doc.definitions.length === 1 ? doc.definitions[0] : undefined;
    if (!op || op.kind !== Kind.OPERATION_DEFINITION || op.operation !== 'query' || (op.variableDefinitions?.length ?? 0) > 0) {
      return fail('INVALID', 'Bulk queries must be one query operation without variables');
    }
    const roots = op.selectionSet.selections;
    if (roots.length !== 1 || roots[0]!.kind !== Kind.FIELD || !SUPPORTED_ROOTS.has(roots[0]!.name.value)) {
      return fail('INVALID', `Bulk queries must select exactly one connection among: ${[...SUPPORTED_ROOTS].join(', ')}`);
    }
    const result = await execute({ schema: shopifySchema(), document: doc, rootValue: this.unpagedRoots() });
    if (result.errors?.length) return fail('INVALID', `Bulk query failed: ${result.errors.map((e) => e.message).join('; ')}`);
    const rootKey = roots[0]!.alias?.value ?? roots[0]!.name.value;
    const conn = (result.data as View)[rootKey] as View;
    const lines: string[] = [];
    const nodes = connectionNodes(conn) ?? [];
    for (const node of nodes) flatten(node, null, lines);
    const rec: BulkOperationRec = {
      id: this.s.id(),
      query,
      status: 'CREATED',
      createdAt: this.s.clock.now(),
      completedAt: null,
      lines,
      rootObjectCount: nodes.length,
      fileSize: lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
    };
    this.ops.push(rec);
    this.advance(rec);
    return { bulkOperation: this.view(rec), userErrors: [] };
  }

  /** The newest bulk query (deprecated `currentBulkOperation`). */
  current(): View | null {
    const op = this.ops[this.ops.length - 1];
    return op ? this.view(op) : null;
  }

  /** `bulkOperations(query:)`: `status:X` and `id:N` filters (others ignored), newest first. */
  list(query: string | undefined): BulkOperationRec[] {
    const status = /status:(\w+)/i.exec(query ?? '')?.[1]?.toUpperCase();
    const id = /id:(\d+)/.exec(query ?? '')?.[1];
    return this.ops.map((o) => this.advance(o)).filter((o) => (!status || o.status === status) && (!id || o.id === Number(id))).reverse();
  }

  view(op: BulkOperationRec): View {
    this.advance(op);
    const done = op.status === 'COMPLETED';
    return {
      __typename: 'BulkOperation',
      id: gid('BulkOperation', op.id),
      type: 'QUERY',
      query: op.query,
      status: op.status,
      errorCode: null,
      createdAt: new Date(op.createdAt).toISOString(),
      completedAt: op.completedAt === null ? null : new Date(op.completedAt).toISOString(),
      objectCount: String(done ? op.lines.length : 0),
      rootObjectCount: String(done ? op.rootObjectCount : 0),
      fileSize: done ? String(op.fileSize) : null,
      // Shopify gives no URL for an empty result either.
      url: done && op.lines.length > 0 ? `${this.baseUrl}/_bulk/${op.id}.jsonl` : null,
      partialDataUrl: null,
    };
  }

  /** The supported roots over every record, ignoring first/after (bulk queries are not paginated). */
  private unpagedRoots(): View {
    const v = this.views;
    const all = <T>(items: T[], key: (t: T) => string) => ({
      items,
      cursors: items.map(key),
      hasNextPage: false,
      hasPreviousPage: false,
    });
    return {
      inventoryItems: (a: { query?: string }) => connection(all(v.searchItems(a.query), (i) => v.idKey(i.id)), v.item),
      productVariants: (a: { query?: string }) => connection(all(v.searchItems(a.query), (i) => v.idKey(i.variantId)), v.variant),
      locations: () => connection(all(this.s.locations, (l) => v.idKey(l.id)), v.location),
    };
  }
}

function connectionNodes(value: unknown): View[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const c = value as { edges?: { node?: View }[]; nodes?: View[] };
  if (Array.isArray(c.edges)) return c.edges.map((e) => e.node).filter((n): n is View => !!n);
  if (Array.isArray(c.nodes)) return c.nodes;
  return null;
}

/** One line for the node; nested connections' nodes follow on their own lines with `__parentId`. */
function flatten(node: View, parentId: string | null, lines: string[]): void {
  const own: View = {};
  const children: View[] = [];
  for (const [k, val] of Object.entries(node)) {
    const nested = val && typeof val === 'object' && !Array.isArray(val) && ('edges' in val || 'nodes' in val) ? connectionNodes(val) : null;
    if (nested) children.push(...nested);
    else own[k] = val;
  }
  if (parentId !== null) own.__parentId = parentId;
  lines.push(JSON.stringify(own));
  const id = typeof node.id === 'string' ? node.id : null;
  for (const child of children) flatten(child, id, lines);
}
