/**
 * Shopify's calculated query cost, as the emulator charges it.
 *
 * Documented rules: scalars and enums 0, objects 1, connections 2 + (first|last) x the cost of one node,
 * interfaces and unions the most expensive of their possible types, mutations 10, at most 1,000 per query.
 * Where Shopify documents nothing, the emulator chooses (and says so here):
 * - a mutation field costs 10 and its payload's sub-selection is priced by the same rules on top;
 * - the connection's `pageInfo` and the edge objects are free (covered by the 2);
 * - a plain list of objects (not a connection) costs one element, except when the field takes `ids`
 *   (`nodes(ids:)`), which costs one element per id;
 * - the actual cost prices connections and `ids` lists by what was returned (Shopify refunds the difference).
 */
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;

interface Ctx {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

type Data = Record<string, unknown> | null | undefined;

/** Requested cost (data undefined) or actual cost (data = the executed result of the operation). */
export function operationCost(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  data?: Data,
): number {
  const ctx: Ctx = { schema, fragments, variables };
  const root = op.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (!root) return 0;
  let total = 0;
  for (const field of collectFields(ctx, root, op.selectionSet)) {
    const def = root.getFields()[field.name.value];
    if (!def) continue;
    const value = data === undefined ? undefined : data?.[responseKey(field)];
    if (op.operation === 'mutation') {
      // The payload object itself is part of the mutation's 10; what it selects is priced on top.
      total += MUTATION_COST + (field.selectionSet ? Math.max(0, selectionCost(ctx, def.type, field.selectionSet, value) - 1) : 0);
    } else {
      total += fieldCost(ctx, def, field, value, data !== undefined);
    }
  }
  return total;
}

function responseKey(f: FieldNode): string {
  return f.alias?.value ?? f.name.value;
}

/** Fields selected on a concrete or abstract type, with fragments flattened (conditions matched loosely). */
function collectFields(ctx: Ctx, type: GraphQLCompositeType, set: SelectionSetNode, concrete?: GraphQLObjectType): FieldNode[] {
  const out: FieldNode[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else {
      const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : ctx.fragments.get(sel.name.value);
      if (!frag) continue;
      const cond = frag.typeCondition?.name.value;
      if (concrete && cond && cond !== concrete.name) {
        const condType = ctx.schema.getType(cond);
        if (!condType || !isAbstractType(condType) || !ctx.schema.isSubType(condType, concrete)) continue;
      }
      out.push(...collectFields(ctx, type, frag.selectionSet, concrete));
    }
  }
  return out;
}

function fieldCost(ctx: Ctx, def: GraphQLField<unknown, unknown>, node: FieldNode, value: unknown, actual: boolean): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  const args = getArgumentValues(def, node, ctx.variables);
  if (named.name.endsWith('Connection') && isObjectType(named)) {
    const perNode = (nodeValue: unknown) => connectionNodeCost(ctx, named, node.selectionSet!, nodeValue);
    if (actual) {
      const conn = value as { nodes?: unknown[]; edges?: { node?: unknown }[] } | null | undefined;
      const items: unknown[] = conn?.nodes ?? conn?.edges?.map((e) => e.node) ?? [];
      return 2 + items.reduce<number>((sum, item) => sum + perNode(item), 0);
    }
    const n = Number(args.first ?? args.last ?? 0);
    return 2 + n * perNode(undefined);
  }
  if (unwrapsToList(def.type)) {
    const list = actual && Array.isArray(value) ? value : undefined;
    if (Array.isArray(args.ids)) {
      if (list) return list.reduce<number>((s, item) => s + selectionCost(ctx, named, node.selectionSet!, item), 0);
      return args.ids.length * selectionCost(ctx, named, node.selectionSet, undefined);
    }
    return selectionCost(ctx, named, node.selectionSet, list ? list[0] : undefined);
  }
  return selectionCost(ctx, def.type, node.selectionSet, actual ? value : undefined);
}

function unwrapsToList(t: GraphQLOutputType): boolean {
  return isListType(isNonNullType(t) ? t.ofType : t);
}

/** One node of a connection: what `nodes { }` and `edges { node { } }` select, summed when both are. */
function connectionNodeCost(ctx: Ctx, conn: GraphQLObjectType, set: SelectionSetNode, value: unknown): number {
  let cost = 0;
  for (const f of collectFields(ctx, conn, set)) {
    const def = conn.getFields()[f.name.value];
    if (!def || !f.selectionSet) continue;
    if (f.name.value === 'nodes') cost += selectionCost(ctx, getNamedType(def.type), f.selectionSet, value);
    if (f.name.value === 'edges') {
      const edge = getNamedType(def.type) as GraphQLObjectType;
      for (const ef of collectFields(ctx, edge, f.selectionSet)) {
        const nodeDef = edge.getFields()[ef.name.value];
        if (ef.name.value === 'node' && nodeDef && ef.selectionSet) {
          cost += selectionCost(ctx, getNamedType(nodeDef.type), ef.selectionSet, value);
        }
      }
    }
  }
  return cost;
}

/** An object (1) plus its selected fields; abstract types cost their most expensive possible type. */
function selectionCost(ctx: Ctx, type: GraphQLOutputType, set: SelectionSetNode, value: unknown): number {
  const named = getNamedType(type);
  if (isLeafType(named)) return 0;
  if (value === null) return 1;
  const obj = value as Data;
  const candidates: GraphQLObjectType[] = isAbstractType(named)
    ? pickTypes(ctx, named, set, obj)
    : isObjectType(named)
      ? [named]
      : [];
  let best = 0;
  for (const concrete of candidates) {
    let cost = 1;
    for (const f of collectFields(ctx, named, set, concrete)) {
      const def = concrete.getFields()[f.name.value];
      if (!def) continue;
      cost += fieldCost(ctx, def, f, obj?.[responseKey(f)], obj !== undefined);
    }
    best = Math.max(best, cost);
  }
  return best;
}

/** For an abstract type: the concrete type of the value when known, else the types named in fragments. */
function pickTypes(ctx: Ctx, abstract: GraphQLCompositeType, set: SelectionSetNode, obj: Data): GraphQLObjectType[] {
  const all = isAbstractType(abstract) ? ctx.schema.getPossibleTypes(abstract) : [];
  const typename = obj && typeof obj.__typename === 'string' ? obj.__typename : undefined;
  if (typename) return all.filter((t) => t.name === typename);
  const named = new Set<string>();
  const walk = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition) named.add(sel.typeCondition.name.value);
        walk(sel.selectionSet);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = ctx.fragments.get(sel.name.value);
        if (frag) {
          named.add(frag.typeCondition.name.value);
          walk(frag.selectionSet);
        }
      }
    }
  };
  walk(set);
  const picked = all.filter((t) => named.has(t.name));
  return picked.length > 0 ? picked : all.slice(0, 1);
}
