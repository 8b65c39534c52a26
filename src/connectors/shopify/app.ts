/**
 * dropsync as a Shopify app: a public (unlisted) app created in Shopify's Dev Dashboard, installed on each
 * retailer's store through the authorization code grant, with expiring offline tokens.
 * Settings (read with the rest of the configuration, src/config.ts: a flag or the variable named here):
 * - DROPSYNC_SHOPIFY_CLIENT_ID / DROPSYNC_SHOPIFY_CLIENT_SECRET: the app's credentials (Dev Dashboard > app > Settings).
 * - DROPSYNC_PUBLIC_URL: dropsync's public https:// address; the redirect URL and webhook URIs are built on it.
 * - DROPSYNC_SHOPIFY_SHOP_URLS: `shop.myshopify.com=http://127.0.0.1:4100,...`: where a shop's admin answers instead
 *   of https://{shop} (an emulator); never needed against Shopify.
 * - DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS=1: accept an http:// public URL for webhooks (an emulator only).
 */
import { DropsyncError } from '../../domain/errors.ts';

/** What dropsync asks a retailer's store for (each scope and why: docs/shopify.md). */
export const SHOPIFY_SCOPES = [
  'read_inventory', 'write_inventory', 'read_locations', 'read_products', 'read_orders', 'write_orders', 'write_discounts', 'read_customers',
  'read_merchant_managed_fulfillment_orders', 'write_merchant_managed_fulfillment_orders',
] as const;

/**
 * Scopes of a source install (the supplier's own store): read its inventory, locations and products; create the
 * forwarded orders and read their fulfilments (orders, fulfilment orders).
 */
export const SHOPIFY_SOURCE_SCOPES = [
  'read_inventory', 'read_locations', 'read_products', 'read_orders', 'write_orders', 'read_merchant_managed_fulfillment_orders',
] as const;

/** What an install is for: a retailer's store dropsync pushes to, or the supplier's own store as a stock source. */
export type ShopifyInstallPurpose = 'retailer' | 'source';

export function scopesFor(purpose: ShopifyInstallPurpose, app: Pick<ShopifyAppConfig, 'scopes'>): readonly string[] {
  return purpose === 'source' ? SHOPIFY_SOURCE_SCOPES : app.scopes;
}

export interface ShopifyAppConfig {
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  /** dropsync's public base URL (no trailing slash), or null when unset. */
  publicUrl: string | null;
  /** shop domain -> base URL of its admin (emulators); others are https://{shop}. */
  shopUrls: Record<string, string>;
  allowHttpWebhooks: boolean;
}

export function parseShopUrls(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new DropsyncError('invalid', `"${part}" is not shop=url`, 'DROPSYNC_SHOPIFY_SHOP_URLS');
    out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim().replace(/\/+$/, '');
  }
  return out;
}

/** The app from variables named as above (the configuration, src/config.ts, reads them into the same shape). */
export function shopifyAppFromEnv(env: Readonly<Record<string, string | undefined>>): ShopifyAppConfig {
  const publicUrl = env.DROPSYNC_PUBLIC_URL?.trim() ? env.DROPSYNC_PUBLIC_URL.trim().replace(/\/+$/, '') : null;
  return {
    clientId: env.DROPSYNC_SHOPIFY_CLIENT_ID?.trim() ?? '',
    clientSecret: env.DROPSYNC_SHOPIFY_CLIENT_SECRET?.trim() ?? '',
    scopes: SHOPIFY_SCOPES,
    publicUrl,
    shopUrls: parseShopUrls(env.DROPSYNC_SHOPIFY_SHOP_URLS),
    allowHttpWebhooks: env.DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS === '1' || env.DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS === 'true',
  };
}

/** Where a shop's admin answers: the explicit setting for that shop, else https://{shop}. */
export function shopBaseUrl(app: Pick<ShopifyAppConfig, 'shopUrls'>, shop: string): string {
  return app.shopUrls[shop.toLowerCase()] ?? `https://${shop}`;
}

/** Throws unless the app's credentials are configured, naming what to set. */
export function requireAppCredentials(app: ShopifyAppConfig): void {
  if (!app.clientId) throw new DropsyncError('invalid', 'the Shopify app is not configured: set DROPSYNC_SHOPIFY_CLIENT_ID (and DROPSYNC_SHOPIFY_CLIENT_SECRET)', 'DROPSYNC_SHOPIFY_CLIENT_ID');
  if (!app.clientSecret) throw new DropsyncError('invalid', 'the Shopify app is not configured: set DROPSYNC_SHOPIFY_CLIENT_SECRET', 'DROPSYNC_SHOPIFY_CLIENT_SECRET');
}
