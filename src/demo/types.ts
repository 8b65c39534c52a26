/**
 * Terms:
 * - demo: one process with the dropsync server on embedded Postgres, four emulated retailer stores (two Shopify,
 *   two WooCommerce, one of them losing 15% of its webhooks), a generated catalogue with hybrid rules,
 *   and a load of own-channel stock changes and retailer shoppers.
 * - stale level: what a store showed before dropsync connected (the retailer's last CSV import). It is above any
 *   number dropsync would push, so a store still showing it has not been synced yet.
 * - shopper: the load acting as a customer on an emulator's control API; the store refuses what it cannot show.
 */

export interface DemoSku {
  sku: string;
  name: string;
  category: string;
  /** Units on hand at the start. */
  stock: number;
}

export interface DemoStoreSpec {
  key: string;
  platform: 'shopify' | 'woocommerce';
  retailer: string;
  name: string;
  /** Share of webhooks the store's host loses. */
  webhookLoss: number;
  /** SKUs this store lists (a retailer carries part of the catalogue). */
  skus: string[];
  /** Floor and ceiling for this retailer (global rule): A-D of the hybrid example. */
  floor: number;
  ceiling: number;
}

export interface DemoOptions {
  /** HTTP port of the server; 0 picks a free one. Default 3000. */
  port?: number;
  /** When `port` is taken, listen on a free port instead of failing (the CLI's default port). */
  anyPortIfTaken?: boolean;
  host?: string;
  /** PGlite data directory; default a fresh temporary directory (removed on stop). */
  dataDir?: string;
  /** Stop by itself after this many seconds; default: run until stop() (Ctrl-C). */
  durationSeconds?: number;
  /** Catalogue size, default 300. */
  skus?: number;
  seed?: number;
  /** Run the load of sales and shoppers; default true. */
  load?: boolean;
  /** Load pace: own-channel stock batches and shopper orders per second. Defaults 4 and 2. */
  stockBatchesPerSecond?: number;
  shopperOrdersPerSecond?: number;
  /** Where progress lines go; default stdout. */
  log?: (line: string) => void;
}

export interface DemoStoreInfo {
  key: string;
  platform: 'shopify' | 'woocommerce';
  name: string;
  retailer: string;
  storeId: string;
  url: string;
  webhookLoss: number;
  listed: number;
  /** SKUs that still show the stale level (0 = fully synced). */
  unsynced(): number;
  /** What the store shows for a SKU, undefined when it does not list it. */
  shows(sku: string): number | undefined;
}

export interface DemoStats {
  stockEvents: number;
  shopperOrders: number;
  shopperTurnedAway: number;
  errors: number;
}

export interface DemoHandle {
  url: string;
  dashboardUrl: string;
  adminKey: string;
  dataDir: string;
  stores: DemoStoreInfo[];
  stats: DemoStats;
  /** Resolves once every store shows dropsync's numbers for every SKU it lists. */
  initialSync: Promise<{ seconds: number }>;
  /** Resolves when the demo has stopped (stop(), --duration or a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}
