/**
 * Installing dropsync's Shopify app (public, no bearer key: Shopify's hmac and the single-use state authenticate):
 * - GET /connect/shopify?shop=NAME.myshopify.com[&invite=TOKEN][&retailer=ID]: also the app URL Shopify opens with
 *   `shop`, `hmac`, `timestamp`; redirects to the shop's authorization page.
 * - GET /connect/shopify/callback: Shopify's redirect after the merchant's answer; connects the store and answers
 *   the connection report (JSON, or a short page for a browser).
 * - POST /webhooks/shopify: the app-level webhook address (the compliance topics set in the app configuration,
 *   and app/uninstalled), signed with the app's client secret; the store is found by the shop's domain.
 * The flow itself is src/http/shopify-install.ts and src/http/shopify-webhooks.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { errorBody } from '../errors.ts';
import { shopifyAppFromEnv } from '../../connectors/shopify/app.ts';
import { parseShopifyWebhook, shopifyWebhookDedupeKeys } from '../../connectors/shopify/webhooks.ts';
import { beginInstall, completeInstall, type InstallReport } from '../shopify-install.ts';
import { applyShopifyEvent, deliveryKey, signedFor, topicOf, type Outcome } from '../shopify-webhooks.ts';
import { findShopifyStoresByShop } from '../../store/ops/shopify-stores-by-shop.ts';

const query = { type: 'object', additionalProperties: { type: 'string', maxLength: 2048 }, maxProperties: 30 } as const;
const errorRef = { $ref: 'Error#' } as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function reportPage(r: InstallReport): string {
  const failed = r.webhooks.filter((w) => !w.ok);
  return `<!doctype html><html><head><meta charset="utf-8"><title>dropsync: ${esc(r.shop)} connected</title></head><body>
<h1>${esc(r.shop)} is connected to dropsync</h1>
<p>${r.listingsFound} SKU(s) found, ${r.listingsCreated} newly mapped; ${r.problems.length} problem(s); webhooks ${failed.length ? `failed: ${esc(failed.map((w) => w.topic).join(', '))}` : 'subscribed'}.</p>
${r.problems.length ? `<ul>${r.problems.map((p) => `<li>${esc(p.sku)}: ${esc(p.detail)}</li>`).join('')}</ul>` : ''}
<p>Stock now syncs to this store within seconds.</p></body></html>`;
}

export function connectShopifyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const shopifyApp = () => deps.shopifyApp ?? shopifyAppFromEnv();
  const installDeps = () => ({ db: deps.db, sealer: deps.sealer, clock: deps.clock, engine: deps.engine, app: shopifyApp() });

  app.get('/connect/shopify', {
    config: { access: 'public' },
    schema: {
      tags: ['connect'], summary: "Start installing dropsync's Shopify app on a shop (redirects to the shop's authorization page)", security: [],
      querystring: { ...query, required: ['shop'] },
      description: 'A browser is redirected (302); a client asking for JSON gets the URL to send the merchant to.',
      response: {
        200: { type: 'object', properties: { authorizeUrl: { type: 'string' } } },
        302: { type: 'null', description: 'Redirect to https://{shop}/admin/oauth/authorize' },
        '4xx': errorRef,
      },
    },
  }, async (request, reply) => {
    const { redirect } = await beginInstall(installDeps(), request.query as Record<string, string>);
    if (String(request.headers.accept ?? '').includes('application/json')) return { authorizeUrl: redirect };
    return reply.redirect(redirect, 302);
  });

  app.get('/connect/shopify/callback', {
    config: { access: 'public' },
    schema: {
      tags: ['connect'], summary: "Shopify's redirect after the merchant approved or declined: connects the store", security: [],
      querystring: query,
      response: {
        200: {
          type: 'object',
          properties: {
            storeId: { type: 'string' }, shop: { type: 'string' }, created: { type: 'boolean' }, scopes: { type: 'string' }, locationId: { type: 'string' },
            listingsCreated: { type: 'integer' }, listingsFound: { type: 'integer' }, invite: { type: 'string', nullable: true },
            problems: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, kind: { type: 'string' }, detail: { type: 'string' } } } },
            webhooks: { type: 'array', items: { type: 'object', properties: { topic: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } } } },
          },
        },
        '4xx': errorRef, '5xx': errorRef,
      },
    },
  }, async (request, reply) => {
    const report = await completeInstall(installDeps(), request.query as Record<string, string>);
    if (String(request.headers.accept ?? '').includes('text/html')) return reply.type('text/html; charset=utf-8').send(reportPage(report));
    return report;
  });

  app.post('/webhooks/shopify', {
    config: { access: 'public' },
    schema: {
      tags: ['webhooks'], summary: "Shopify app-level webhooks: compliance topics and app/uninstalled", security: [],
      description: 'Topics customers/data_request, customers/redact, shop/redact (set in the app configuration) and app/uninstalled; signed with the app client secret (X-Shopify-Hmac-Sha256, or shopify-hmac-sha256). A bad signature answers 401.',
      body: { description: 'The Shopify payload, checked against the signature over the raw bytes' },
      response: { 200: { type: 'object', properties: { status: { type: 'string' }, detail: { type: 'string' } } }, '4xx': errorRef, '5xx': errorRef },
    },
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.rawBody ?? Buffer.alloc(0);
    const wd = { db: deps.db, sealer: deps.sealer, clock: deps.clock, engine: deps.engine, clientSecret: shopifyApp().clientSecret };
    if (!signedFor(wd, raw, request.headers, null)) return reply.status(401).send(errorBody('unauthorized', 'X-Shopify-Hmac-Sha256 does not match', 'signature'));
    const topic = topicOf(request.headers);
    const event = parseShopifyWebhook(topic, request.body);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const shop = shopifyWebhookDedupeKeys(request.headers).shopDomain ?? (typeof body.shop_domain === 'string' ? body.shop_domain : typeof body.myshopify_domain === 'string' ? body.myshopify_domain : null);
    if (!shop) return { status: 'ignored', detail: 'no shop named' };
    const stores = await findShopifyStoresByShop(deps.db, shop);
    if (stores.length === 0) return { status: 'ignored', detail: `no store of shop ${shop}` };
    const key = deliveryKey(raw, request.headers);
    const outcomes: Outcome[] = [];
    for (const s of stores) outcomes.push(await applyShopifyEvent(wd, { id: s.id, supplierId: s.supplier_id, sealedCredentials: s.credentials }, topic, event, key));
    const processed = outcomes.some((o) => o.status === 'processed');
    return { status: processed ? 'processed' : outcomes[0]!.status, detail: outcomes.map((o) => o.detail).join('; ') };
  });
}
