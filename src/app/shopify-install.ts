/**
 * Installing dropsync's Shopify app on a retailer's store (the authorization code grant), and the connect steps
 * that follow. Routes (src/http/routes/connect-shopify.ts) only translate HTTP to these two calls:
 * - `beginInstall`: checks the shop name (and Shopify's hmac when Shopify opened the app URL), records a single-use
 *   state (10 minutes) and answers the shop's `/admin/oauth/authorize` URL to redirect to.
 * - `completeInstall`: verifies the callback's hmac, its state (known, unused, unexpired, issued for this shop) and
 *   the shop name, refuses a declined grant, exchanges the code for an expiring offline token, refuses a grant
 *   missing a scope, then creates the store (or completes the existing one) with the token sealed, and runs the
 *   connect steps: location, SKU discovery and mapping, webhook subscriptions, and the first sync.
 * Every refusal happens before anything is written (only the state is spent) and says why.
 * The scope set is a parameter: a `retailer` install (default) asks for the retailer scopes (`app.scopes`); a
 * `source` install (the supplier's own store as a stock source; `?purpose=source` or `{purpose: 'source'}`) asks for
 * SHOPIFY_SOURCE_SCOPES, and its granted token is handed to `onSourceGrant` instead of creating a retailer store.
 * The purpose travels in the single-use state (a `source.` prefix), so the callback checks the right scope set.
 */
import { randomBytes } from 'node:crypto';
import { connectShopifyStore } from '../connectors/shopify/discover.ts';
import { requireAppCredentials, scopesFor, SHOPIFY_SCOPES, shopBaseUrl, type ShopifyAppConfig, type ShopifyInstallPurpose } from '../connectors/shopify/app.ts';
import { authorizeUrl, exchangeCode, missingScopes, normaliseShop, verifyQueryHmac } from '../connectors/shopify/oauth.ts';
import { checkCallbackUri } from '../connectors/shopify/subscriptions.ts';
import { DropsyncError } from '../domain/errors.ts';
import type { Clock } from '../domain/types.ts';
import type { CredentialSealer } from '../security/types.ts';
import { createListing } from '../store/admin/listings.ts';
import { createRetailer } from '../store/admin/retailers.ts';
import { createStore, updateStore } from '../store/admin/stores.ts';
import { listSuppliers } from '../store/admin/suppliers.ts';
import { insertOAuthState } from '../store/ops/oauth-state-insert.ts';
import { readOAuthState } from '../store/ops/oauth-state-read.ts';
import { useOAuthState } from '../store/ops/oauth-state-use.ts';
import { findShopifyStoresByShop } from '../store/ops/shopify-stores-by-shop.ts';
import { retailerSupplier } from '../store/ops/retailer-supplier.ts';
import { restoreStoreAccess } from '../store/ops/store-access-restore.ts';
import { readStoreConfig } from '../store/ops/store-config-read.ts';
import { storeListingSkus } from '../store/ops/store-listing-skus.ts';
import { saveWebhookState } from '../store/ops/store-webhook-state.ts';
import { supplierListedSkus } from '../store/ops/supplier-listed-skus.ts';
import type { Db } from '../store/types.ts';
import { transact, type AppDeps, type AppEngine } from './unit.ts';

export const STATE_TTL_MS = 10 * 60_000;

export interface InstallDeps {
  db: Db;
  sealer: CredentialSealer;
  clock: Clock;
  engine: Pick<AppEngine, 'recomputeWithin' | 'committed' | 'invalidateStore'>;
  app: ShopifyAppConfig;
  fetch?: typeof fetch;
}

export interface InstallReport {
  storeId: string;
  shop: string;
  /** true: a new store; false: an existing store's access was granted again. */
  created: boolean;
  scopes: string;
  locationId: string;
  listingsCreated: number;
  listingsFound: number;
  problems: { sku: string; kind: string; detail: string }[];
  webhooks: { topic: string; ok: boolean; error?: string }[];
  invite: string | null;
}

/** A source install's outcome: the supplier's own store granted the source scopes. */
export interface SourceGrant {
  shop: string;
  supplierId: string;
  /** Where the shop's admin answers (https://{shop}, or an emulator). */
  baseUrl: string;
  scopes: string;
  /** The credentials to seal and store (expiring offline token and its refresh token). */
  credentials: Record<string, string>;
  invite: string | null;
}

export interface InstallOptions {
  /** What the install is for; default from `?purpose=`, else `retailer`. */
  purpose?: ShopifyInstallPurpose;
  /** Completes a `source` install (stores the source); without it a source install is refused after the grant. */
  onSourceGrant?: (grant: SourceGrant) => Promise<InstallReport>;
}

const SOURCE_STATE_PREFIX = 'source.';

function purposeOf(query: Record<string, string>, opts: InstallOptions): ShopifyInstallPurpose {
  const p = opts.purpose ?? query.purpose ?? 'retailer';
  if (p !== 'retailer' && p !== 'source') throw new DropsyncError('invalid', 'must be retailer or source', 'purpose');
  return p;
}

const iso = (ms: number) => new Date(ms).toISOString();

function publicBase(app: ShopifyAppConfig): string {
  if (!app.publicUrl) throw new DropsyncError('invalid', "set DROPSYNC_PUBLIC_URL to dropsync's public https:// address: Shopify redirects there and delivers webhooks there", 'DROPSYNC_PUBLIC_URL');
  // Refused before the merchant is sent anywhere: Shopify would refuse these webhook addresses later.
  checkCallbackUri(`${app.publicUrl}/webhooks/shopify/check`, app.allowHttpWebhooks);
  return app.publicUrl;
}

/** Who the new store belongs to: the store already connected to this shop, the named retailer, or the only supplier. */
async function target(deps: InstallDeps, shop: string, retailerId: string | undefined): Promise<{ supplierId: string; retailerId: string | null; storeId: string | null }> {
  const existing = (await findShopifyStoresByShop(deps.db, shop))[0];
  if (existing) return { supplierId: existing.supplier_id, retailerId: existing.retailer_id, storeId: existing.id };
  const suppliers = await listSuppliers(deps.db);
  if (retailerId) {
    const supplierId = await retailerSupplier(deps.db, retailerId);
    if (!supplierId) throw new DropsyncError('invalid', `no retailer "${retailerId}"`, 'retailer');
    return { supplierId, retailerId, storeId: null };
  }
  const [only, ...more] = suppliers;
  if (only && more.length === 0) return { supplierId: only.id, retailerId: null, storeId: null };
  throw new DropsyncError('invalid', 'this dropsync serves several suppliers: open the connect link the supplier sent (it names the retailer)', 'retailer');
}

/** GET /connect/shopify: where to send the merchant's browser. */
export async function beginInstall(deps: InstallDeps, query: Record<string, string>, opts: InstallOptions = {}): Promise<{ redirect: string }> {
  requireAppCredentials(deps.app);
  const shop = normaliseShop(query.shop);
  // Shopify opening the app URL signs the request; a link dropsync handed out is not signed.
  if (query.hmac !== undefined) {
    const check = verifyQueryHmac(query, deps.app.clientSecret, deps.clock.now());
    if (!check.ok) throw new DropsyncError('unauthorized', `not a request signed by Shopify: ${check.reason}`, 'hmac');
  }
  const base = publicBase(deps.app);
  const purpose = purposeOf(query, opts);
  const who = await target(deps, shop, purpose === 'source' ? undefined : query.retailer);
  const state = `${purpose === 'source' ? SOURCE_STATE_PREFIX : ''}${randomBytes(24).toString('hex')}`;
  const now = deps.clock.now();
  await insertOAuthState(deps.db, {
    state, platform: 'shopify', shop, supplierId: who.supplierId, retailerId: who.retailerId, storeId: who.storeId, invite: query.invite ?? null,
  }, iso(now), iso(now + STATE_TTL_MS));
  return {
    redirect: authorizeUrl(shopBaseUrl(deps.app, shop), {
      clientId: deps.app.clientId, scopes: scopesFor(purpose, deps.app), redirectUri: `${base}/connect/shopify/callback`, state,
    }),
  };
}

/** GET /connect/shopify/callback: the merchant approved (or declined) the install. */
export async function completeInstall(deps: InstallDeps, query: Record<string, string>, opts: InstallOptions = {}): Promise<InstallReport> {
  requireAppCredentials(deps.app);
  const base = publicBase(deps.app);
  const check = verifyQueryHmac(query, deps.app.clientSecret, deps.clock.now());
  if (!check.ok) throw new DropsyncError('unauthorized', `not a callback signed by Shopify: ${check.reason}`, 'hmac');
  const shop = normaliseShop(query.shop);
  const now = iso(deps.clock.now());
  const st = query.state ? await readOAuthState(deps.db, query.state, now) : undefined;
  if (!st || st.platform !== 'shopify') throw new DropsyncError('invalid', 'unknown state: start the install again from the connect link', 'state');
  if (st.used) throw new DropsyncError('invalid', 'this state was already used: start the install again from the connect link', 'state');
  if (st.expired) throw new DropsyncError('invalid', 'this install took too long and its state expired: start again from the connect link', 'state');
  if (st.shop !== shop) throw new DropsyncError('invalid', `the callback names shop ${shop}, but the install was started for ${st.shop}`, 'shop');
  if (!(await useOAuthState(deps.db, st.state, now))) throw new DropsyncError('invalid', 'this state was already used: start the install again from the connect link', 'state');
  if (query.error) {
    throw new DropsyncError('invalid', `the store did not grant access (${query.error}${query.error_description ? `: ${query.error_description}` : ''}); nothing was connected`, 'error');
  }
  if (!query.code) throw new DropsyncError('invalid', 'the callback carries no code', 'code');
  const baseUrl = shopBaseUrl(deps.app, shop);
  const tokens = await exchangeCode(baseUrl, deps.app, query.code, deps.clock.now(), deps.fetch ?? fetch);
  const purpose: ShopifyInstallPurpose = st.state.startsWith(SOURCE_STATE_PREFIX) ? 'source' : 'retailer';
  const missing = missingScopes(scopesFor(purpose, deps.app), tokens.scope);
  if (missing.length) {
    throw new DropsyncError('invalid', `the store granted too little: ${missing.join(', ')} missing; nothing was connected. Install the app again and accept every requested access.`, 'scope');
  }
  if (!st.supplier_id) throw new DropsyncError('invalid', 'the install has no supplier', 'state');
  const supplierId = st.supplier_id;
  const credentials: Record<string, string> = { accessToken: tokens.accessToken, scope: tokens.scope, grant: 'oauth' };
  if (tokens.refreshToken) credentials.refreshToken = tokens.refreshToken;
  if (tokens.accessTokenExpiresAt) {
    credentials.accessTokenExpiresAt = tokens.accessTokenExpiresAt;
    credentials.accessTokenObtainedAt = new Date(deps.clock.now()).toISOString();
  }
  if (tokens.refreshTokenExpiresAt) credentials.refreshTokenExpiresAt = tokens.refreshTokenExpiresAt;
  if (purpose === 'source') {
    if (!opts.onSourceGrant) throw new DropsyncError('invalid', 'this dropsync does not take Shopify source installs', 'purpose');
    return opts.onSourceGrant({ shop, supplierId, baseUrl, scopes: tokens.scope, credentials, invite: st.invite });
  }
  const sealed = deps.sealer.seal(credentials);

  // The store, created or (the shop was connected before) completed, with its sealed token: one transaction.
  const { storeId, created, config, existingConfig } = await transact(deps, supplierId, async (w) => {
    let storeId = st.store_id;
    let existingConfig: Record<string, unknown> = {};
    if (storeId) {
      const stored = await readStoreConfig(w.tx, supplierId, storeId);
      if (!stored) storeId = null;
      else existingConfig = stored;
    }
    const created = !storeId;
    if (!storeId) {
      const retailerId = st.retailer_id ?? (await createRetailer(w.tx, supplierId, { name: shop.replace(/\.myshopify\.com$/, '') }, w.at)).id;
      storeId = (await createStore(w.tx, supplierId, { retailerId, platform: 'shopify', name: shop, config: { shopDomain: shop }, sealedCredentials: sealed }, w.at)).id;
    }
    const webhookUri = `${base}/webhooks/shopify/${encodeURIComponent(storeId)}`;
    const config: Record<string, unknown> = {
      ...existingConfig, shopDomain: shop, webhookUri,
      ...(deps.app.shopUrls[shop] ? { baseUrl: deps.app.shopUrls[shop] } : {}),
      ...(deps.app.allowHttpWebhooks ? { allowHttpWebhooks: true } : {}),
    };
    await updateStore(w.tx, supplierId, storeId, { config, sealedCredentials: sealed });
    await restoreStoreAccess(w.tx, storeId);
    const id = storeId;
    w.afterCommit(() => deps.engine.invalidateStore(id));
    return { storeId, created, config, existingConfig };
  });

  // The connect steps against the shop: location, discovery, webhook subscriptions.
  const skus = await supplierListedSkus(deps.db, supplierId);
  const found = await connectShopifyStore({
    shopDomain: shop, baseUrl, accessToken: tokens.accessToken, webhookCallbackUrl: String(config.webhookUri), allowHttpWebhooks: deps.app.allowHttpWebhooks,
    clock: deps.clock, ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(typeof existingConfig.locationId === 'string' ? { locationId: existingConfig.locationId } : {}),
  }, skus);

  // The mapping and the first sync (every listed SKU's quantity for this store), in one transaction.
  const problems: InstallReport['problems'] = found.problems.map((p) => ({ sku: p.sku, kind: p.kind, detail: p.detail }));
  const listingsCreated = await transact(deps, supplierId, async (w) => {
    await updateStore(w.tx, supplierId, storeId, { config: { ...config, locationId: found.locationId } });
    const listed = await storeListingSkus(w.tx, storeId);
    let n = 0;
    for (const l of found.listings) {
      if (listed.has(l.sku)) continue;
      try {
        await createListing(w.tx, supplierId, { storeId, sku: l.sku, externalId: l.externalId, externalLocationId: found.locationId }, w.at);
        n++;
      } catch (err) {
        if (!(err instanceof DropsyncError)) throw err;
        problems.push({ sku: l.sku, kind: 'not_saved', detail: err.message });
      }
    }
    await saveWebhookState(w.tx, storeId, found.webhooks.map((wh) => ({ topic: wh.topic, status: wh.ok ? 'present' : 'failed', ...(wh.error ? { error: wh.error } : {}) })), now);
    await w.recompute([...(await storeListingSkus(w.tx, storeId))]);
    w.afterCommit(() => deps.engine.invalidateStore(storeId));
    return n;
  });
  return {
    storeId, shop, created, scopes: tokens.scope, locationId: found.locationId, listingsCreated, listingsFound: found.listings.length, problems,
    webhooks: found.webhooks.map((w) => ({ topic: w.topic, ok: w.ok, ...(w.error ? { error: w.error } : {}) })), invite: st.invite,
  };
}

/** The app as configured, or one whose every install is refused, saying what to set. */
export function shopifyAppOf(deps: Pick<AppDeps, 'shopifyApp'>): ShopifyAppConfig {
  return deps.shopifyApp ?? { clientId: '', clientSecret: '', scopes: SHOPIFY_SCOPES, publicUrl: null, shopUrls: {}, allowHttpWebhooks: false };
}

/** Installing dropsync's Shopify app on a shop: the two steps of the authorization code grant. */
export function shopifyInstallCommands(deps: AppDeps) {
  const installDeps = (): InstallDeps => ({ db: deps.db, sealer: deps.sealer, clock: deps.clock, engine: deps.engine, app: shopifyAppOf(deps) });
  return {
    /** Where to send the merchant's browser (the shop's authorization page). */
    begin: (query: Record<string, string>) => beginInstall(installDeps(), query),
    /** Shopify's redirect after the merchant's answer: connects the store, maps its items, first sync. */
    complete: (query: Record<string, string>) => completeInstall(installDeps(), query),
  };
}
