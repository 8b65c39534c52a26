/**
 * Connecting a store: discovery through the platform connector (find each listed SKU's item, report missing,
 * duplicate and case/whitespace near matches, subscribe webhooks), then the mapping in one transaction (the
 * store's location, one listing per SKU found and not mapped yet, one recompute of them all). The credentials
 * are the ones the user just typed; this never reads stored secrets.
 */
import { connectShopifyStore } from '../connectors/shopify/index.ts';
import { connectWooStore } from '../connectors/woocommerce/index.ts';
import { DropsyncError, invalid } from '../domain/errors.ts';
import type { Clock } from '../domain/types.ts';
import { createListing, updateStore } from '../store/admin/index.ts';
import { listedSkus, storeForConnect, storeListingSkus } from '../store/views/stores.ts';
import { bareMessage } from './listings.ts';
import { transact, type Actor, type AppDeps } from './unit.ts';

export interface MappingIssue {
  sku: string;
  kind: 'missing' | 'duplicate' | 'case_mismatch' | 'other';
  detail: string;
  externalIds?: string[];
}

interface Found {
  locationId?: string;
  listings: { sku: string; externalId: string; externalLocationId?: string | null }[];
  problems: MappingIssue[];
  webhooks: { topic: string; ok: boolean; error?: string }[];
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** `hookUrl`: where the platform should deliver this store's webhooks (dropsync's /webhooks/{platform}/{storeId}). */
async function discover(
  clock: Clock, allowHttp: boolean, platform: string, config: Record<string, unknown>, creds: Record<string, string>, skus: string[], hookUrl: string,
): Promise<Found> {
  const need = (value: unknown, field: string, test: (s: string) => boolean = () => true) => {
    if (typeof value !== 'string' || value.trim() === '' || !test(value)) throw invalid(field, 'is required for discovery');
  };
  const httpUrl = (s: string) => /^https?:\/\/[^\s]+$/.test(s);
  if (platform === 'shopify') {
    need(config.shopDomain, 'config.shopDomain');
    if (config.baseUrl !== undefined) need(config.baseUrl, 'config.baseUrl', httpUrl);
    need(creds.accessToken, 'credentials.accessToken');
  } else if (platform === 'woocommerce') {
    need(config.baseUrl, 'config.baseUrl', httpUrl);
    need(creds.consumerKey, 'credentials.consumerKey');
    need(creds.consumerSecret, 'credentials.consumerSecret');
  }
  if (platform === 'shopify') {
    const out = await connectShopifyStore({
      shopDomain: str(config.shopDomain) ?? '',
      accessToken: creds.accessToken ?? '',
      webhookCallbackUrl: hookUrl,
      // Shopify only delivers to https; an emulator behind http:// needs the explicit setting.
      allowHttpWebhooks: allowHttp || config.allowHttpWebhooks === true,
      clock,
      ...(str(config.baseUrl) ? { baseUrl: str(config.baseUrl)! } : {}),
      ...(str(config.locationId) ? { locationId: str(config.locationId)! } : {}),
      ...(str(config.apiVersion) ? { apiVersion: str(config.apiVersion)! } : {}),
    }, skus);
    return {
      locationId: out.locationId,
      listings: out.listings.map((l) => ({ sku: l.sku, externalId: l.externalId, externalLocationId: l.externalLocationId })),
      problems: out.problems.map((p) => ({
        sku: p.sku, detail: p.detail, ...(p.externalIds ? { externalIds: p.externalIds } : {}),
        kind: p.kind === 'missing' || p.kind === 'duplicate' || p.kind === 'case_mismatch' ? p.kind : 'other',
      })),
      webhooks: out.webhooks.map((w) => ({ topic: w.topic, ok: w.ok, ...(w.error ? { error: w.error } : {}) })),
    };
  }
  if (platform === 'woocommerce') {
    const out = await connectWooStore({
      baseUrl: str(config.baseUrl) ?? '',
      consumerKey: creds.consumerKey ?? '',
      consumerSecret: creds.consumerSecret ?? '',
      webhookSecret: creds.webhookSecret ?? '',
      webhookDeliveryUrl: hookUrl,
    }, skus, { clock });
    return {
      listings: out.listings.map((l) => ({ sku: l.sku, externalId: l.externalId })),
      problems: out.problems.map((p): MappingIssue => {
        if (p.kind === 'missing') return { sku: p.sku, kind: 'missing', detail: 'no product or variation has this SKU' };
        if (p.kind === 'duplicated') return { sku: p.sku, kind: 'duplicate', detail: `${p.externalIds.length} items carry this SKU; none mapped`, externalIds: p.externalIds };
        if (p.kind === 'near_match') return { sku: p.sku, kind: 'case_mismatch', detail: `store spells it ${p.candidates.map((c) => JSON.stringify(c.sku)).join(', ')}`, externalIds: p.candidates.map((c) => c.externalId) };
        return { sku: p.sku, kind: 'other', detail: 'a variable product: stock lives on its variations', externalIds: [p.externalId] };
      }),
      webhooks: out.webhooks.webhooks.map((w) => ({ topic: w.topic, ok: w.status === 'active' })),
    };
  }
  throw invalid('platform', `${platform} stores have no discovery; add listings through the API`);
}

export interface DiscoveryResult {
  storeId: string;
  /** Items found for the supplier's listed SKUs. */
  found: number;
  /** Listings created now (SKUs already mapped on this store are left as they are). */
  created: number;
  problems: MappingIssue[];
  webhooks: Found['webhooks'];
}

export function discoveryCommands(deps: AppDeps) {
  return {
    /**
     * Discovers the store's items for every listed SKU and maps them. `hookUrl` says where the platform should
     * deliver the store's webhooks. Bad input (a missing shop domain, URL or key) is `invalid` naming the
     * field; anything else the platform answers, or not reaching it, is `upstream`. Nothing is written then.
     */
    async discover(actor: Actor, storeId: string, credentials: Record<string, string>, hookUrl: (platform: string) => string): Promise<DiscoveryResult> {
      const store = await storeForConnect(deps.db, actor.supplierId, storeId);
      if (!store) throw new DropsyncError('not_found', 'no such store', 'id');
      let found: Found;
      try {
        found = await discover(deps.clock, deps.shopifyApp?.allowHttpWebhooks ?? false, store.platform, store.config, credentials, await listedSkus(deps.db, actor.supplierId), hookUrl(store.platform));
      } catch (err) {
        if (err instanceof DropsyncError && err.kind === 'invalid') throw err;
        throw new DropsyncError('upstream', err instanceof Error ? err.message : 'discovery failed');
      }
      const problems = [...found.problems];
      const created = await transact(deps, actor.supplierId, async (w) => {
        if (found.locationId && found.locationId !== store.config.locationId) {
          await updateStore(w.tx, actor.supplierId, storeId, { config: { ...store.config, locationId: found.locationId } });
          // The engine caches a connector per store; it is rebuilt with the location.
          w.afterCommit(() => deps.engine.invalidateStore(storeId));
        }
        const existing = await storeListingSkus(w.tx, storeId);
        const skus: string[] = [];
        for (const l of found.listings) {
          if (existing.has(l.sku)) continue;
          try {
            await createListing(w.tx, actor.supplierId, { storeId, sku: l.sku, externalId: l.externalId, ...(l.externalLocationId ? { externalLocationId: l.externalLocationId } : {}) }, w.at);
            skus.push(l.sku);
          } catch (err) {
            if (!(err instanceof DropsyncError)) throw err;
            problems.push({ sku: l.sku, kind: 'other', detail: `listing not saved: ${bareMessage(err)}` });
          }
        }
        await w.recompute(skus);
        return skus.length;
      });
      return { storeId, found: found.listings.length, created, problems, webhooks: found.webhooks };
    },
  };
}
