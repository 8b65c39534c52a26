/** prom-client metrics of the engine, in their own Registry; the HTTP layer serves it at /metrics. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const registry = new Registry();

export const engineMetrics = {
  registry,
  events: new Counter({ name: 'dropsync_stock_events_total', help: 'Stock events by outcome', labelNames: ['outcome'], registers: [registry] }),
  orders: new Counter({ name: 'dropsync_orders_total', help: 'Retailer orders by status and source', labelNames: ['status', 'source'], registers: [registry] }),
  conflicts: new Counter({ name: 'dropsync_conflicts_total', help: 'Order lines that lost the last-units race', registers: [registry] }),
  pushes: new Counter({ name: 'dropsync_pushes_total', help: 'Push calls by result', labelNames: ['result'], registers: [registry] }),
  pushedItems: new Counter({ name: 'dropsync_pushed_items_total', help: 'Pushed quantities by result', labelNames: ['result'], registers: [registry] }),
  pushLag: new Histogram({
    name: 'dropsync_push_lag_seconds', help: 'Change committed -> store acknowledged',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300], registers: [registry],
  }),
  dispatchClaims: new Counter({ name: 'dropsync_dispatch_claims_total', help: 'Claim statements of the dispatcher (each may lease several stores)', registers: [registry] }),
  dispatchReads: new Counter({ name: 'dropsync_dispatch_reads_total', help: 'Reads of a store run for its dirty rows (reads of one tick share a statement)', registers: [registry] }),
  fencedConfirmations: new Counter({
    name: 'dropsync_fenced_confirmations_total', help: 'Confirmations or releases ignored because another process holds the store', registers: [registry],
  }),
  leasesLost: new Counter({ name: 'dropsync_leases_lost_total', help: 'Store runs ended because their lease was not renewed (paused, or taken by another process)', registers: [registry] }),
  sweeps: new Counter({ name: 'dropsync_sweeps_total', help: 'Safety-net sweeps run', registers: [registry] }),
  reconciles: new Counter({ name: 'dropsync_reconciles_total', help: 'Store reconciliations by result', labelNames: ['result'], registers: [registry] }),
  queueDepth: new Gauge({ name: 'dropsync_queue_depth', help: 'Dirty listings per store (refreshed every few seconds)', labelNames: ['store'], registers: [registry] }),
};
