/**
 * How often to poll a store for orders, from how reliable its webhooks have been over a sliding window (the
 * last `WEBHOOK_WINDOW_MS`, counted per hour, so old history decays). Shared by all platforms.
 * - deliveriesSeen: orders that reached us by webhook in the window.
 * - ordersFoundByPolling: orders that polling found and no webhook had delivered, in the window.
 *
 * A store whose webhooks are missing or failing (any order found only by polling in the window), or not yet
 * proven (fewer than `PROVEN_AFTER` deliveries in the window), is polled at least every minute, a lossy one
 * (a fifth or more of at least PROVEN_AFTER orders missed) every 30 s; only a store whose webhooks delivered every order of a proven window is
 * polled every 15 minutes.
 */
export interface WebhookHealth {
  deliveriesSeen: number;
  ordersFoundByPolling: number;
}

export const WEBHOOK_WINDOW_MS = 24 * 3_600_000;
export const POLL_FASTEST_MS = 30_000;
export const POLL_UNRELIABLE_MS = 60_000;
export const POLL_SLOWEST_MS = 15 * 60_000;
/** Deliveries in the window before a store's webhooks count as proven. */
export const PROVEN_AFTER = 20;
const LOSSY_SHARE = 0.2;

export function pollIntervalMs(health: WebhookHealth): number {
  const seen = Math.max(0, health.deliveriesSeen);
  const missed = Math.max(0, health.ordersFoundByPolling);
  if (missed > 0) return seen + missed >= PROVEN_AFTER && missed / (seen + missed) >= LOSSY_SHARE ? POLL_FASTEST_MS : POLL_UNRELIABLE_MS;
  if (seen < PROVEN_AFTER) return POLL_UNRELIABLE_MS;
  return POLL_SLOWEST_MS;
}
