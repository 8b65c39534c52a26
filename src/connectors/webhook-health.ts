/**
 * How often to poll a store for orders, from how reliable its webhooks have been. Shared by all platforms.
 * - deliveriesSeen: orders that reached us by webhook in the measuring window.
 * - ordersFoundByPolling: orders that polling found and no webhook had delivered.
 * The missed share sets the interval: a store losing 15% of deliveries is polled every minute or faster, a
 * healthy one every 15 minutes. Few observations never earn the slowest pace.
 */
export interface WebhookHealth {
  deliveriesSeen: number;
  ordersFoundByPolling: number;
}

export const POLL_FASTEST_MS = 30_000;
export const POLL_SLOWEST_MS = 15 * 60_000;
/** Until this many orders were observed, poll at least every 5 minutes. */
const MIN_SAMPLE = 20;
const UNPROVEN_MS = 5 * 60_000;

/** Missed share thresholds, most lossy first. */
const STEPS: Array<[missedShare: number, intervalMs: number]> = [
  [0.2, 30_000],
  [0.1, 60_000],
  [0.05, 2 * 60_000],
  [0.01, 5 * 60_000],
];

export function pollIntervalMs(health: WebhookHealth): number {
  const seen = Math.max(0, health.deliveriesSeen);
  const missed = Math.max(0, health.ordersFoundByPolling);
  const total = seen + missed;
  if (total === 0) return UNPROVEN_MS;
  const share = missed / total;
  let interval = POLL_SLOWEST_MS;
  for (const [threshold, ms] of STEPS) {
    if (share >= threshold) {
      interval = ms;
      break;
    }
  }
  return total < MIN_SAMPLE ? Math.min(interval, UNPROVEN_MS) : interval;
}
