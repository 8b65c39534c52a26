/** Shopify connector: push, read, orders, compensation, discovery, webhooks, stock sources, fulfilment, refunds and forwarding over the Admin GraphQL API. */
export { createShopifyConnector, parseShopifyConfig, type ShopifyConnectorDeps } from './connector.ts';
export { connectShopifyStore, matchSkus } from './discover.ts';
export {
  verifyShopifyWebhook, parseShopifyWebhook, shopifyWebhookDedupeKeys, shopifyDeliveryKey, SHOPIFY_WEBHOOK_TOPICS, SHOPIFY_COMPLIANCE_TOPICS,
} from './webhooks.ts';
export { ensureSubscriptions, checkCallbackUri, SHOPIFY_SUBSCRIBED_TOPICS, SHOPIFY_SOURCE_TOPICS, type SubscriptionState } from './subscriptions.ts';
export { SHOPIFY_SCOPES, SHOPIFY_SOURCE_SCOPES, scopesFor, type ShopifyInstallPurpose } from './app.ts';
export { listLocations, parseLevelChange, SourceLevelsReader } from './source.ts';
export { readOrder, orderFromRest, fulfilmentFromRest, refundFromRest } from './order-state.ts';
export { fulfilOrder } from './fulfil.ts';
export { refundLines, refundMarker } from './refund.ts';
export { createForwardedOrder, findForwardedOrder, forwardIdentifier } from './forward.ts';
export { planFullSync, ThrottleModel, PLAN_RESTORE_RATE, type FullSyncPlan } from './throttle.ts';
export { ShopifyClient } from './client.ts';
export { idempotencyKey, KeyBook, MAX_BATCH } from './push.ts';
export { apologyCode } from './compensate.ts';
export { ALL_DOCUMENTS, REFUND_CREATE } from './documents.ts';
export * from './types.ts';
