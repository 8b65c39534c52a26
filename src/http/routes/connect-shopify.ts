/**
 * Installing dropsync's Shopify app (public, no bearer key: Shopify's hmac and the single-use state authenticate):
 * - GET /connect/shopify?shop=NAME.myshopify.com[&invite=TOKEN][&retailer=ID]: also the app URL Shopify opens with
 *   `shop`, `hmac`, `timestamp`; redirects to the shop's authorization page.
 * - GET /connect/shopify/callback: Shopify's redirect after the merchant's answer; connects the store and answers
 *   the connection report (JSON, or a short page for a browser).
 * - POST /webhooks/shopify: the app-level webhook address (the compliance topics set in the app configuration,
 *   and app/uninstalled), signed with the app's client secret; the store is found by the shop's domain.
 * The flow itself is the application's (src/app/shopify-install.ts, src/app/shopify-webhooks.ts).
 */
import type { RouteDeps, TypedApp } from '../types.ts';
import type { InstallReport } from '../../app/index.ts';

const query = { type: 'object', additionalProperties: { type: 'string', maxLength: 2048 }, maxProperties: 30 } as const;
const item = <const P extends Record<string, unknown>>(properties: P) => ({ type: 'object', additionalProperties: false, properties }) as const;
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

export function connectShopifyRoutes(app: TypedApp, { commands }: RouteDeps): void {
  const wants = (accept: string | undefined, type: string) => String(accept ?? '').includes(type);

  app.get('/connect/shopify', {
    config: { access: 'public' },
    schema: {
      tags: ['connect'], summary: "Start installing dropsync's Shopify app on a shop (redirects to the shop's authorization page)", security: [],
      querystring: { ...query, required: ['shop'] },
      description: 'A browser is redirected (302); a client asking for JSON gets the URL to send the merchant to.',
      response: {
        200: { type: 'object', additionalProperties: false, properties: { authorizeUrl: { type: 'string' } } },
        302: { type: 'null', description: 'Redirect to https://{shop}/admin/oauth/authorize' },
        '4xx': errorRef,
      },
    },
  }, async (request, reply) => {
    const { redirect } = await commands.shopify.begin(request.query);
    if (wants(request.headers.accept, 'application/json')) return { authorizeUrl: redirect };
    return reply.redirect(redirect, 302);
  });

  app.get('/connect/shopify/callback', {
    config: { access: 'public' },
    schema: {
      tags: ['connect'], summary: "Shopify's redirect after the merchant approved or declined: connects the store", security: [],
      querystring: query,
      response: {
        200: {
          description: 'The connection report: JSON, or a short HTML page for a browser (Accept: text/html)',
          anyOf: [
            item({
              storeId: { type: 'string' }, shop: { type: 'string' }, created: { type: 'boolean' }, scopes: { type: 'string' }, locationId: { type: 'string' },
              listingsCreated: { type: 'integer' }, listingsFound: { type: 'integer' }, invite: { type: 'string', nullable: true },
              problems: { type: 'array', items: item({ sku: { type: 'string' }, kind: { type: 'string' }, detail: { type: 'string' } }) },
              webhooks: { type: 'array', items: item({ topic: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } }) },
            }),
            { type: 'string' },
          ],
        },
        '4xx': errorRef, '5xx': errorRef,
      },
    },
  }, async (request, reply) => {
    const report = await commands.shopify.complete(request.query);
    if (wants(request.headers.accept, 'text/html')) return reply.type('text/html; charset=utf-8').send(reportPage(report));
    return report;
  });

  app.post('/webhooks/shopify', {
    config: { access: 'public' },
    schema: {
      tags: ['webhooks'], summary: "Shopify app-level webhooks: compliance topics and app/uninstalled", security: [],
      description: 'Topics customers/data_request, customers/redact, shop/redact (set in the app configuration) and app/uninstalled; signed with the app client secret (X-Shopify-Hmac-Sha256, or shopify-hmac-sha256). A bad signature answers 401.',
      body: { description: 'The Shopify payload, checked against the signature over the raw bytes' },
      response: { 200: item({ status: { type: 'string' }, detail: { type: 'string' } }), '4xx': errorRef, '5xx': errorRef },
    },
  }, async (request) => commands.webhooks.shopifyApp({ raw: request.rawBody ?? Buffer.alloc(0), headers: request.headers, body: request.body }));
}
