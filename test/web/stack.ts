/**
 * The whole product on 127.0.0.1 port 0 over in-memory PGlite: engine (with the in-process `test` connector),
 * HTTP API and the dashboard plugin, composed the way the composition root does it. Seeded through the API.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createEngine, createSupplier } from '../../src/engine/index.ts';
import type { Engine } from '../../src/engine/types.ts';
import { buildApp } from '../../src/http/index.ts';
import { createCommands } from '../../src/app/index.ts';
import { createSealer } from '../../src/security/index.ts';
import { createApiKey } from '../../src/store/admin/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import type { Db } from '../../src/store/types.ts';
import { registerWeb } from '../../src/web/index.ts';

export interface Stack {
  db: Db;
  engine: Engine;
  app: FastifyInstance;
  base: string;
  supplierId: string;
  adminKey: string;
  tokens: Record<'alpha' | 'beta', string>;
  stores: Record<'alpha' | 'beta', string>;
  /** Calls the API as the admin; throws on a non-2xx answer. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const db = await openDatabase();
  const clock = { now: () => Date.now() };
  const sealer = createSealer(randomBytes(32));
  const engine = createEngine({ db, clock, decryptCredentials: (s) => (s ? sealer.open(s) : {}), sweepMs: 200 });
  const commands = createCommands({ db, engine, clock, sealer });
  const app = await buildApp({ db, clock, commands, extend: (a, mountApi) => { registerWeb(a, { db, clock, engine, commands, mountApi }); } });
  const base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  const supplierId = await createSupplier(db, clock, { id: 'acme', name: 'Acme Supply' });
  const adminKey = (await createApiKey(db, { supplierId }, new Date())).key;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const tokens = {} as Record<'alpha' | 'beta', string>;
  const stores = {} as Record<'alpha' | 'beta', string>;
  for (const [key, name, store, floor, ceiling] of [['alpha', 'Alpha Outfitters', 'Alpha Shop', 80, 200], ['beta', 'Beta Boutique', 'Beta Store', 50, 150]] as const) {
    const r = await call<{ id: string }>('POST', '/v1/retailers', { name });
    tokens[key] = (await call<{ key: string }>('POST', `/v1/retailers/${r.id}/tokens`, { label: 'dashboard test' })).key;
    stores[key] = (await call<{ id: string }>('POST', '/v1/stores', { retailerId: r.id, platform: 'test', name: store })).id;
    await call('PUT', `/v1/retailers/${r.id}/rules/global`, { floor, ceiling });
  }
  const skus = [['TEE-M', 'Tee, medium', 'tees', 500], ['TEE-L', 'Tee, large', 'tees', 40], ['MUG', 'Enamel mug', 'home', 3]] as const;
  for (const [sku, name, category] of skus) {
    await call('POST', '/v1/skus', { sku, name, category });
    for (const key of ['alpha', 'beta'] as const) await call('POST', '/v1/listings', { storeId: stores[key], sku, externalId: `${key}-${sku}` });
  }
  await call('PUT', '/v1/rules/global', { ownReserve: { units: 200 }, strategy: 'hybrid' });
  await call('PUT', '/v1/rules/category/home', { ownReserve: { units: 0 } });
  await call('POST', '/v1/stock-events', {
    events: skus.map(([sku, , , quantity], i) => ({ id: `seed-${i}`, sku, location: 'main', kind: 'set', quantity, occurredAt: new Date().toISOString(), source: 'wms' })),
  });
  await engine.start();
  return {
    db, engine, app, base, supplierId, adminKey, tokens, stores, call,
    async close() {
      await engine.stop();
      await app.close();
      await db.close();
    },
  };
}
