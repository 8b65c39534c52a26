/** Shopify Admin API emulator: an in-process HTTP server that behaves like Shopify for what dropsync uses. */
export { startShopifyEmulator, DEFAULT_API_VERSION, type ShopifyEmulator } from './server.ts';
export type { ShopifyControl, OrderInput } from './control.ts';
export { shopifySchema, findSchemaDir } from './schema.ts';
export { operationCost, MAX_QUERY_COST, MUTATION_COST } from './cost.ts';
export { RESTORE_RATE, CostBucket, type ThrottleStatus } from './bucket.ts';
export { signWebhook, RETRY_DELAYS_MS, ANSWER_TIMEOUT_MS } from './webhooks.ts';
export { loadCatalogFile, generateCatalog, parseCatalogCsv, parseCatalogJson } from './catalog.ts';
export type * from './types.ts';
