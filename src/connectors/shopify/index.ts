/** Shopify connector: push, read, orders, compensation, discovery and webhooks over the Admin GraphQL API. */
export { createShopifyConnector, parseShopifyConfig, type ShopifyConnectorDeps } from './connector.ts';
export { connectShopifyStore, matchSkus } from './discover.ts';
export {
  verifyShopifyWebhook, parseShopifyWebhook, shopifyWebhookDedupeKeys, shopifyDeliveryKey, SHOPIFY_WEBHOOK_TOPICS, SHOPIFY_COMPLIANCE_TOPICS,
} from './webhooks.ts';
export { ensureSubscriptions, checkCallbackUri, SHOPIFY_SUBSCRIBED_TOPICS, type SubscriptionState } from './subscriptions.ts';
export { planFullSync, ThrottleModel, PLAN_RESTORE_RATE, type FullSyncPlan } from './throttle.ts';
export { ShopifyClient } from './client.ts';
export { idempotencyKey, KeyBook, MAX_BATCH } from './push.ts';
export { apologyCode } from './compensate.ts';
export { ALL_DOCUMENTS } from './documents.ts';
export * from './types.ts';
