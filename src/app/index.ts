/**
 * The application layer: one command per use case, grouped by capability. A command validates its input,
 * writes, recomputes the desired quantities its write changes and records it in one transaction (see
 * unit.ts), and returns a typed result. The HTTP API, the dashboard, the CLI and the webhook routes call these;
 * none of them calls the store and the engine in sequence itself.
 *
 * @example
 *   const commands = createCommands({ db, engine, clock, sealer });
 *   await commands.rules.set({ supplierId, retailerId: null }, 'global', '', { ownReserve: { units: 200 } });
 */
import { discoveryCommands } from './discovery.ts';
import { keyCommands } from './keys.ts';
import { listingCommands } from './listings.ts';
import { locationCommands } from './locations.ts';
import { orderCommands } from './orders.ts';
import { retailerCommands } from './retailers.ts';
import { ruleCommands } from './rules.ts';
import { skuCommands } from './skus.ts';
import { stockCommands } from './stock.ts';
import { storeCommands } from './stores.ts';
import type { AppDeps } from './unit.ts';
import { webhookCommands } from './webhooks.ts';
import { shopifyInstallCommands } from './shopify-install.ts';

export function createCommands(deps: AppDeps) {
  return {
    rules: ruleCommands(deps),
    retailers: retailerCommands(deps),
    stores: { ...storeCommands(deps), ...discoveryCommands(deps) },
    listings: listingCommands(deps),
    locations: locationCommands(deps),
    skus: skuCommands(deps),
    stock: stockCommands(deps),
    keys: keyCommands(deps),
    orders: orderCommands(deps),
    webhooks: webhookCommands(deps),
    shopify: shopifyInstallCommands(deps),
  };
}

export type Commands = ReturnType<typeof createCommands>;
export type { Actor, AppDeps, AppEngine } from './unit.ts';
export { bootstrap } from './keys.ts';
export { MAX_LISTINGS_PER_BATCH } from './listings.ts';
export { MAX_HOLD_SECONDS, MIN_HOLD_SECONDS } from './orders.ts';
export { stockRowsToEvents, STOCK_COLUMNS } from './stock.ts';
export type { RuleBody, RuleView } from './rule-values.ts';
export type { InstallReport } from './shopify-install.ts';
