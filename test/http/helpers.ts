/** Shared setup of the HTTP tests: a database (PGlite in memory, or a fresh schema on a server), a supplier, an admin key, the app. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { openDatabase, type Db } from '../../src/store/index.ts';
import { serverReachable } from '../support/postgres.ts';
import { createSupplier, createApiKey } from '../../src/store/admin/index.ts';
import { buildApp } from '../../src/http/index.ts';
import { createCommands, type AppEngine } from '../../src/app/index.ts';
import { createSealer } from '../../src/security/index.ts';
import { createEngine } from '../../src/engine/index.ts';
import type { Clock } from '../../src/domain/types.ts';

export interface TestCtx {
  app: FastifyInstance;
  db: Db;
  clock: Clock & { t: number };
  supplierId: string;
  adminKey: string;
  secretKey: Buffer;
  recomputes: { supplierId: string; skus: string[] | 'all' }[];
  /** Injects with the admin key unless `key` is given (null: no key). */
  req(opts: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when the Postgres server answers; tests that need it skip with a message otherwise. */
export const postgresReachable = serverReachable;

export async function setup(opts: { engine?: 'real' | 'fake'; server?: boolean; bodyLimit?: number } = {}): Promise<TestCtx> {
  const schema = opts.server ? `t_http_${randomBytes(6).toString('hex')}` : undefined;
  const db = opts.server ? await openDatabase({ databaseUrl: PG_URL, schema }) : await openDatabase();
  const clock = { t: Date.parse('2026-11-26T12:00:00Z'), now() { return this.t; } };
  const recomputes: TestCtx['recomputes'] = [];
  const real = createEngine({ db, clock });
  // Every recompute the commands ask for, in the command's transaction; the fake engine records and skips it.
  const record = (supplierId: string, skus: readonly string[] | 'all') => { recomputes.push({ supplierId, skus: skus === 'all' ? 'all' : [...skus] }); };
  const engine: AppEngine = opts.engine === 'fake'
    ? { ...real, recomputeWithin: async (_tx, supplierId, skus) => record(supplierId, skus), invalidateStore() {} }
    : { ...real, recomputeWithin: async (tx, supplierId, skus, into) => { record(supplierId, skus); await real.recomputeWithin(tx, supplierId, skus, into); } };
  const at = new Date(clock.t);
  const supplier = await createSupplier(db, { name: 'Acme Supply', id: 'sup_test' }, at);
  await db.query(`insert into locations (supplier_id, id, name, shared) values ($1, 'main', 'Main warehouse', true)`, [supplier.id]);
  const { key } = await createApiKey(db, { supplierId: supplier.id, label: 'test' }, at);
  const secretKey = randomBytes(32);
  const commands = createCommands({ db, engine, clock, sealer: createSealer(secretKey) });
  const app = await buildApp({ db, clock, commands, ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}) });
  return {
    app, db, clock, supplierId: supplier.id, adminKey: key, secretKey, recomputes,
    req({ key: k, headers, ...rest }) {
      const auth = k === null ? {} : { authorization: `Bearer ${k ?? key}` };
      return app.inject({ ...rest, headers: { ...auth, ...(headers ?? {}) } });
    },
    async close() {
      await app.close();
      if (schema) await db.query(`drop schema "${schema}" cascade`);
      await db.close();
    },
  };
}
