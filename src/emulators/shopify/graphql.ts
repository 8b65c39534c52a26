/**
 * One Admin GraphQL request: parse, validate against the real schema, coerce variables, price it, take the
 * points from the bucket (THROTTLED when it cannot), execute with the resolvers, refund the unspent points,
 * and answer with `extensions.cost` like Shopify.
 */
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
} from 'graphql';
import type { CostBucket } from './bucket.ts';
import { ALL_SCOPES } from './oauth.ts';
import { MAX_QUERY_COST, operationCost } from './cost.ts';
import type { RequestContext } from './resolvers.ts';
import { shopifySchema, type SchemaVersion } from './schema.ts';
import type { RequestLogEntry } from './types.ts';

export interface GraphQLBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLAnswer {
  data?: unknown;
  errors?: unknown[];
  extensions: { cost: Record<string, unknown> };
}

export interface Executor {
  bucket: CostBucket;
  roots: { query: Record<string, unknown>; mutation: Record<string, unknown> };
  log: RequestLogEntry[];
  now(): number;
}

const parsedCache = new Map<string, DocumentNode>();

/** The schema a request is validated and executed against: 2026-07 for that version, 2026-10 for every other. */
export function schemaVersionFor(apiVersion: string): SchemaVersion {
  return apiVersion === '2026-07' ? '2026-07' : '2026-10';
}

const ALL_ACCESS: Omit<RequestContext, 'apiVersion'> = {
  scopes: new Set(ALL_SCOPES),
  redactCustomers: false,
  allowHttpCallbacks: true,
};

export async function runGraphQL(ex: Executor, body: GraphQLBody, apiVersion: string, access: Omit<RequestContext, 'apiVersion'> = ALL_ACCESS): Promise<GraphQLAnswer> {
  const entry: RequestLogEntry = {
    at: ex.now(),
    apiVersion,
    operationType: null,
    operationName: null,
    rootFields: [],
    requestedCost: null,
    actualCost: null,
    throttled: false,
    errors: [],
  };
  ex.log.push(entry);
  const answer = (errors: unknown[], cost: Record<string, unknown>, data?: unknown): GraphQLAnswer => {
    entry.errors = errors.map((e) => String((e as { message?: unknown }).message));
    return { ...(data !== undefined ? { data } : {}), ...(errors.length ? { errors } : {}), extensions: { cost } };
  };
  const noCost = () => ({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: ex.bucket.status() });

  if (typeof body.query !== 'string' || body.query.trim() === '') {
    return answer([{ message: 'Parameter Missing or Invalid', extensions: { code: 'BAD_REQUEST' } }], noCost());
  }
  const version = schemaVersionFor(apiVersion);
  const schema = shopifySchema(version);
  const cacheKey = `${version}\u0000${body.query}`;
  let doc = parsedCache.get(cacheKey);
  if (!doc) {
    try {
      doc = parse(body.query);
    } catch (err) {
      return answer([(err as GraphQLError).toJSON()], noCost());
    }
    const validationErrors = validate(schema, doc);
    if (validationErrors.length > 0) return answer(validationErrors.map((e) => e.toJSON()), noCost());
    if (parsedCache.size > 500) parsedCache.clear();
    parsedCache.set(cacheKey, doc);
  }
  const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
  const op = getOperationAST(doc, operationName);
  if (!op) return answer([{ message: 'Could not determine the operation to run' }], noCost());
  entry.operationType = op.operation;
  entry.operationName = op.name?.value ?? null;
  entry.rootFields = op.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], (body.variables ?? {}) as Record<string, unknown>, {
    maxErrors: 50,
  });
  if ('errors' in coerced && coerced.errors) return answer(coerced.errors.map((e) => e.toJSON()), noCost());
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  let requested: number;
  try {
    requested = operationCost(schema, op, fragments, variables);
  } catch (err) {
    return answer([{ message: (err as Error).message }], noCost());
  }
  entry.requestedCost = requested;
  if (requested > MAX_QUERY_COST) {
    return answer(
      [{
        message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
        extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: MAX_QUERY_COST },
      }],
      { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: ex.bucket.status() },
    );
  }
  if (!ex.bucket.take(requested)) {
    entry.throttled = true;
    return answer([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], {
      requestedQueryCost: requested,
      actualQueryCost: null,
      throttleStatus: ex.bucket.status(),
    });
  }
  const context: RequestContext = { apiVersion, ...access };
  const result = await execute({
    schema,
    document: doc,
    rootValue: op.operation === 'mutation' ? ex.roots.mutation : ex.roots.query,
    contextValue: context,
    variableValues: (body.variables ?? {}) as Record<string, unknown>,
    operationName,
  });
  const actual = Math.min(requested, operationCost(schema, op, fragments, variables, (result.data ?? null) as Record<string, unknown> | null));
  ex.bucket.refund(requested - actual);
  entry.actualCost = actual;
  return answer(
    (result.errors ?? []).map((e) => e.toJSON()),
    { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: ex.bucket.status() },
    result.data ?? null,
  );
}
