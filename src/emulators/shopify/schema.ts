/**
 * Shopify's real Admin GraphQL schema (2025-01 introspection) extended with the 2026 delta, loaded once per
 * process. The copy committed next to this file is preferred so a clone works on its own; otherwise
 * DROPSYNC_SHOPIFY_SCHEMA_DIR, then <repoRoot>/../shared/reference/shopify.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  buildClientSchema,
  extendSchema,
  parse,
  type GraphQLDirective,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

const INTROSPECTION = 'admin-2025-01.introspection.json.gz';
const DELTA = 'admin-2026-delta.graphql';

let cached: GraphQLSchema | undefined;

export function schemaDirCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const repoRoot = resolve(here, '../../..');
  const dirs = [join(here, 'schema')];
  if (process.env.DROPSYNC_SHOPIFY_SCHEMA_DIR) dirs.push(process.env.DROPSYNC_SHOPIFY_SCHEMA_DIR);
  dirs.push(resolve(repoRoot, '../shared/reference/shopify'));
  return dirs;
}

export function findSchemaDir(): string {
  for (const dir of schemaDirCandidates()) {
    if (existsSync(join(dir, INTROSPECTION)) && existsSync(join(dir, DELTA))) return dir;
  }
  throw new Error(`Shopify schema not found; looked in ${schemaDirCandidates().join(', ')}`);
}

/** The Admin schema as the emulator serves it and as the connector's documents must validate against. */
export function shopifySchema(): GraphQLSchema {
  if (cached) return cached;
  const dir = findSchemaDir();
  const json = JSON.parse(gunzipSync(readFileSync(join(dir, INTROSPECTION))).toString('utf8')) as {
    data: IntrospectionQuery;
  };
  const base = buildClientSchema(json.data);
  cached = extendSchema(base, parse(readFileSync(join(dir, DELTA), 'utf8')));
  return cached;
}

export function idempotentDirective(): GraphQLDirective {
  const d = shopifySchema().getDirective('idempotent');
  if (!d) throw new Error('schema delta lacks @idempotent');
  return d;
}
