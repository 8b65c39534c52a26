export { createWooConnector, type WooConnector } from './connector.ts';
export { connectWooStore, checkWooWebhooks, matchSkus, WOO_WEBHOOK_TOPICS, type WooConnectDeps } from './discover.ts';
export { verifyWooWebhook, parseWooWebhook, handleWooWebhook, type WooWebhookOutcome, type HeaderBag } from './webhooks.ts';
export { toRemoteOrder, isOwnCancellation } from './orders.ts';
export { planBatches, WOO_MAX_BATCH } from './push.ts';
export { WooClient, WooHttpError, parseExternalId, parseRetryAfter } from './client.ts';
export { couponCodeFor } from './compensate.ts';
export * from './types.ts';
