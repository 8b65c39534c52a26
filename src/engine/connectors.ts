/** One connector per store per engine, rebuilt when the store's platform, config or credentials change. */
import { createConnector } from '../connectors/registry.ts';
import type { Connector, ConnectorDeps, Platform } from '../connectors/types.ts';
import type { Clock } from '../domain/types.ts';

export interface StoreRecord { id: string; supplier_id: string; platform: string; config: Record<string, unknown>; credentials: string | null }

export class ConnectorCache {
  private readonly cache = new Map<string, { key: string; connector: Connector }>();
  constructor(
    private readonly clock: Clock,
    private readonly decrypt: (sealed: string | null) => Record<string, string>,
    /** More for the connectors, e.g. the port through which they persist rotated credentials. */
    private readonly deps: Omit<ConnectorDeps, 'clock'> = {},
  ) {}

  get(store: StoreRecord): Connector {
    const key = `${store.platform}\u0000${JSON.stringify(store.config)}\u0000${store.credentials ?? ''}`;
    const hit = this.cache.get(store.id);
    if (hit && hit.key === key) return hit.connector;
    if (hit) void hit.connector.close?.().catch(() => {});
    const connector = createConnector({
      storeId: store.id, supplierId: store.supplier_id, platform: store.platform as Platform,
      config: store.config ?? {}, credentials: this.decrypt(store.credentials),
    }, { ...this.deps, clock: this.clock });
    this.cache.set(store.id, { key, connector });
    return connector;
  }

  forget(storeId: string): void {
    const hit = this.cache.get(storeId);
    this.cache.delete(storeId);
    if (hit) void hit.connector.close?.().catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(all.map((c) => c.connector.close?.().catch(() => {})));
  }
}

/** Default credentials opener: JSON text (tests, embedded demos without sealing) or nothing. */
export function plainCredentials(sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  try {
    const v = JSON.parse(sealed) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}
