/**
 * Shopify's real Admin GraphQL schemas, as Shopify publishes them (introspection JSON): 2026-10 (release
 * candidate, the version dropsync targets and the emulator serves) and 2026-07 (the latest stable), loaded once
 * per process each. The copies committed next to this file are preferred so a clone works on its own; otherwise
 * DROPSYNC_SHOPIFY_SCHEMA_DIR, then <repoRoot>/../shared/reference/shopify.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLDirective, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

export type SchemaVersion = '2026-10' | '2026-07';
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = ['2026-10', '2026-07'];

const FILES: Record<SchemaVersion, string> = {
  '2026-10': 'admin-2026-10-rc.introspection.json.gz',
  '2026-07': 'admin-2026-07.introspection.json.gz',
};

const cached = new Map<SchemaVersion, GraphQLSchema>();

export function schemaDirCandidates(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const repoRoot = resolve(here, '../../..');
  const dirs = [join(here, 'schema')];
  if (process.env.DROPSYNC_SHOPIFY_SCHEMA_DIR) dirs.push(process.env.DROPSYNC_SHOPIFY_SCHEMA_DIR);
  dirs.push(resolve(repoRoot, '../shared/reference/shopify'));
  return dirs;
}

export function findSchemaDir(version: SchemaVersion = '2026-10'): string {
  for (const dir of schemaDirCandidates()) {
    if (existsSync(join(dir, FILES[version]))) return dir;
  }
  throw new Error(`Shopify schema ${FILES[version]} not found; looked in ${schemaDirCandidates().join(', ')}`);
}

/** The Admin schema of a version: what the emulator executes against and the connector's documents validate against. */
export function shopifySchema(version: SchemaVersion = '2026-10'): GraphQLSchema {
  const hit = cached.get(version);
  if (hit) return hit;
  const dir = findSchemaDir(version);
  const json = JSON.parse(gunzipSync(readFileSync(join(dir, FILES[version]))).toString('utf8')) as { data: IntrospectionQuery };
  const schema = buildClientSchema(json.data);
  cached.set(version, schema);
  return schema;
}

export function idempotentDirective(): GraphQLDirective {
  const d = shopifySchema().getDirective('idempotent');
  if (!d) throw new Error('the 2026-10 schema lacks @idempotent');
  return d;
}
