/**
 * GET /web/events: server-sent events relayed from the engine's emitter, so every open dashboard updates
 * without reload as soon as the engine reports a change. A session receives only its own supplier's events; a
 * retailer session only those about its own stores and orders, and of SKU-wide ones (stock) just the SKU names.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../store/types.ts';
import { orderOwner, storeOwner, type Owner } from '../../store/views/owners.ts';
import { LIVE_EVENT_TYPES, type LiveEventType, type Principal, type Session, type WebDeps } from '../types.ts';
import { requireSession, sessionFrom } from './auth.ts';
import type { SessionStore } from './sessions.ts';

const HEARTBEAT_MS = 15_000;

interface Client {
  session: Session;
  send(type: LiveEventType, data: unknown): void;
  end(): void;
}

function field(payload: unknown, name: string): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const v = (payload as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/** Who owns a store or an order, cached (neither ever changes owner). */
export function ownerLookup(db: Db) {
  const cache = new Map<string, Owner | null>();
  const cached = async (key: string, load: () => Promise<Owner | null>) => {
    if (cache.has(key)) return cache.get(key)!;
    const owner = await load();
    if (cache.size > 20_000) cache.clear();
    cache.set(key, owner);
    return owner;
  };
  return {
    store: (id: string) => cached(`s:${id}`, () => storeOwner(db, id)),
    order: (id: string) => cached(`o:${id}`, () => orderOwner(db, id)),
  };
}
export type OwnerLookup = ReturnType<typeof ownerLookup>;

/** The supplier (and retailer, when the event is about one store or order) an engine event belongs to. */
export async function eventOwner(payload: unknown, lookup: OwnerLookup): Promise<Owner | null> {
  const storeId = field(payload, 'storeId');
  if (storeId) return lookup.store(storeId);
  const orderId = field(payload, 'orderId');
  if (orderId) return lookup.order(orderId);
  const supplierId = field(payload, 'supplierId');
  return supplierId ? { supplierId, retailerId: field(payload, 'retailerId') ?? null } : null;
}

/**
 * What a session may see of an event, or null. Events of another supplier, or of an unknown owner, are dropped.
 * A retailer gets events about its own stores and orders, desired-change counts of its own stores, and of
 * supplier-wide events (stock) only the SKU names. Events carry counts and ids, never change sets, so relaying
 * one costs the same whatever a commit changed.
 */
export async function visibleEvent(payload: unknown, principal: Principal, lookup: OwnerLookup): Promise<unknown | null> {
  const owner = await eventOwner(payload, lookup);
  if (!owner || owner.supplierId !== principal.supplierId) return null;
  if (principal.kind === 'admin') return payload ?? {};
  if (owner.retailerId !== null) return owner.retailerId === principal.retailerId ? payload : null;
  const stores = (payload as { stores?: unknown }).stores;
  if (Array.isArray(stores)) {
    const mine: { storeId: string; count: number }[] = [];
    for (const s of stores) {
      const sid = field(s, 'storeId');
      const count = (s as { count?: unknown }).count;
      if (sid && typeof count === 'number' && (await lookup.store(sid))?.retailerId === principal.retailerId) mine.push({ storeId: sid, count });
    }
    return mine.length > 0 ? { count: mine.reduce((n, s) => n + s.count, 0), stores: mine } : null;
  }
  const skus = (payload as { skus?: unknown }).skus;
  const sku = field(payload, 'sku');
  return Array.isArray(skus) ? { skus } : sku ? { sku } : {};
}

export function registerEvents(app: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const clients = new Set<Client>();
  const lookup = ownerLookup(deps.db);
  const listeners: Array<[LiveEventType, (payload: unknown) => void]> = [];

  if (deps.engine) {
    for (const type of LIVE_EVENT_TYPES) {
      const listener = (payload: unknown) => {
        for (const c of clients) {
          visibleEvent(payload, c.session.principal, lookup).then((data) => { if (data !== null) c.send(type, data); }, () => {});
        }
      };
      deps.engine.on(type, listener);
      listeners.push([type, listener]);
    }
  }

  app.get('/web/events', { preHandler: requireSession(sessions) }, (request, reply) => {
    const session = sessionFrom(request);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected\n\n`);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const client: Client = {
      session,
      send(type, data) {
        if (sessions.get(session.id) === undefined) return client.end();
        res.write(`event: ${type}\ndata: ${JSON.stringify(data ?? {})}\n\n`);
      },
      end() {
        clearInterval(heartbeat);
        clients.delete(client);
        if (!res.writableEnded) res.end();
      },
    };
    clients.add(client);
    request.raw.on('close', () => client.end());
  });

  // Open streams would keep app.close() waiting forever; end them first.
  app.addHook('preClose', async () => {
    for (const c of [...clients]) c.end();
  });
  app.addHook('onClose', async () => {
    for (const [type, listener] of listeners) {
      if (deps.engine?.off) deps.engine.off(type, listener);
      else deps.engine?.removeListener?.(type, listener);
    }
  });
}
