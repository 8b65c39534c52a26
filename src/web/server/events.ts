/**
 * GET /web/events: server-sent events relayed from the engine's emitter, so every open dashboard updates
 * without reload as soon as the engine reports a change. A retailer session receives only events about its own
 * stores; SKU-wide events (stock) reach it as a bare "something changed for SKU x" with no supplier figures.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../store/types.ts';
import { LIVE_EVENT_TYPES, type LiveEventType, type Session, type WebDeps } from '../types.ts';
import { requireSession } from './auth.ts';
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

/** Store -> retailer, cached; stores never change retailer. */
function storeRetailers(db: Db) {
  const cache = new Map<string, string | null>();
  return async (storeId: string): Promise<string | null> => {
    if (cache.has(storeId)) return cache.get(storeId)!;
    const rows = await db.query<{ retailer_id: string }>(`select retailer_id from stores where id = $1`, [storeId]);
    const id = rows[0]?.retailer_id ?? null;
    if (cache.size > 10_000) cache.clear();
    cache.set(storeId, id);
    return id;
  };
}

/** What a retailer may see of an event, or null when it is about someone else. */
export async function forRetailer(
  payload: unknown, retailerId: string, retailerOfStore: (storeId: string) => Promise<string | null>,
): Promise<unknown | null> {
  const owner = field(payload, 'retailerId') ?? (field(payload, 'storeId') ? await retailerOfStore(field(payload, 'storeId')!) : undefined);
  if (owner !== undefined) return owner === retailerId ? payload : null;
  const sku = field(payload, 'sku');
  return sku ? { sku } : {};
}

export function registerEvents(app: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  const clients = new Set<Client>();
  const retailerOfStore = storeRetailers(deps.db);
  const listeners: Array<[LiveEventType, (payload: unknown) => void]> = [];

  if (deps.engine) {
    for (const type of LIVE_EVENT_TYPES) {
      const listener = (payload: unknown) => {
        for (const c of clients) {
          const rid = c.session.principal.retailerId;
          if (!rid) { c.send(type, payload); continue; }
          forRetailer(payload, rid, retailerOfStore).then((data) => { if (data !== null) c.send(type, data); }, () => {});
        }
      };
      deps.engine.on(type, listener);
      listeners.push([type, listener]);
    }
  }

  app.get('/web/events', { preHandler: requireSession(sessions) }, (request, reply) => {
    const session = request.webSession!;
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
