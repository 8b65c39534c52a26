/**
 * Connecting a store from the dashboard: discovery through the platform connector (find each listed SKU's item,
 * report missing, duplicate and case/whitespace near matches, subscribe webhooks), then the mapping is written
 * through the /v1 API as the signed-in admin (store config, one listing per SKU found). The credentials are the
 * ones the user just typed into the connect form; this endpoint never reads stored secrets.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../../domain/errors.ts';
import { connectShopifyStore } from '../../connectors/shopify/index.ts';
import { connectWooStore } from '../../connectors/woocommerce/index.ts';
import type { WebDeps } from '../types.ts';
import { requireAdmin, requireSession } from './auth.ts';
import { listedSkus, storeForConnect, storeListingSkus } from '../../store/views/stores.ts';
import type { SessionStore } from './sessions.ts';

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
async function discover(platform: string, config: Record<string, unknown>, creds: Record<string, string>, skus: string[], hookUrl: string): Promise<Found> {
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
    }, skus);
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

export function registerConnect(app: FastifyInstance, deps: WebDeps, sessions: SessionStore): void {
  app.post('/web/api/stores/:id/connect', {
    preHandler: requireSession(sessions),
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } } },
      body: {
        type: 'object', required: ['credentials'], additionalProperties: false,
        properties: { credentials: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 4096 } } },
      },
    },
  }, async (request, reply) => {
    const session = requireAdmin(request, reply);
    if (!session) return reply;
    const { id } = request.params as { id: string };
    const supplierId = session.principal.supplierId;
    const store = await storeForConnect(deps.db, supplierId, id);
    if (!store) return reply.code(404).send({ error: 'not_found', field: 'id', message: 'no such store' });
    const creds = (request.body as { credentials: Record<string, string> }).credentials;
    let found: Found;
    try {
      const hookUrl = `${hookBase(request, deps)}/webhooks/${store.platform}/${encodeURIComponent(id)}`;
      found = await discover(store.platform, store.config, creds, await listedSkus(deps.db, supplierId), hookUrl);
    } catch (err) {
      const e = err as { message?: string; field?: string; kind?: string; statusCode?: number };
      // Bad input is the user's to fix (400); anything else is the store's answer or unreachability (502).
      return reply.code(e.kind === 'invalid' ? 400 : 502).send({ error: e.kind === 'invalid' ? 'invalid' : 'upstream', field: e.field, message: e.message ?? 'discovery failed' });
    }
    const api = (method: 'POST' | 'PATCH', url: string, payload: unknown) => app.inject({
      method, url, payload: payload as Record<string, unknown>, headers: { authorization: `Bearer ${session.key}`, 'content-type': 'application/json' },
    });
    if (found.locationId && found.locationId !== store.config.locationId) {
      const res = await api('PATCH', `/v1/stores/${encodeURIComponent(id)}`, { config: { ...store.config, locationId: found.locationId } });
      if (res.statusCode >= 300) found.problems.push({ sku: '', kind: 'other', detail: `saving the location failed: ${res.body}` });
    }
    const existing = await storeListingSkus(deps.db, id);
    let created = 0;
    for (const l of found.listings) {
      if (existing.has(l.sku)) continue;
      const res = await api('POST', '/v1/listings', { storeId: id, sku: l.sku, externalId: l.externalId, ...(l.externalLocationId ? { externalLocationId: l.externalLocationId } : {}) });
      if (res.statusCode < 300) created++;
      else found.problems.push({ sku: l.sku, kind: 'other', detail: `listing not saved: ${(res.json() as { message?: string }).message ?? res.statusCode}` });
    }
    return { storeId: id, found: found.listings.length, created, problems: found.problems, webhooks: found.webhooks };
  });
}

/** Public base URL for webhook subscriptions: the configured one (--public-url) when set, else this request's origin. */
function hookBase(request: FastifyRequest, deps: WebDeps): string {
  return (deps.publicUrl ?? `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`).replace(/\/+$/, '');
}
