/** The WooCommerce connector's surface; importing it registers the `woocommerce` platform with the registry. */
import { registerConnector } from '../registry.ts';
import { createWooConnector } from './connector.ts';

export { createWooConnector, type WooConnector } from './connector.ts';
export { connectWooStore, checkWooWebhooks, matchSkus, WOO_WEBHOOK_TOPICS, type WooConnectDeps } from './discover.ts';
export { verifyWooWebhook, parseWooWebhook, handleWooWebhook, type WooWebhookOutcome, type HeaderBag } from './webhooks.ts';
export { toRemoteOrder, isOwnCancellation } from './orders.ts';
export { planBatches, WOO_MAX_BATCH } from './push.ts';
export { WooClient, WooHttpError, parseExternalId, parseRetryAfter } from './client.ts';
export { couponCodeFor } from './compensate.ts';
export * from './types.ts';

registerConnector('woocommerce', createWooConnector);
