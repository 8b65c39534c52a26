/**
 * `dropsync emulate shopify`: runs the Shopify Admin API emulator until SIGINT/SIGTERM and prints its base URL,
 * shop domain, access token and webhook signing secret (one JSON line with --json).
 */
import { Command } from 'commander';
import { invalid } from '../../domain/errors.ts';
import { loadCatalogFile, startShopifyEmulator, DEFAULT_API_VERSION, type ShopifyPlan } from '../../emulators/shopify/index.ts';
import { emulateCommand, emulatorFlags, parseEmulatorFlags, runEmulator, type CommonEmulatorFlags } from './emulate.ts';
import { durationFlag, numberFlag, rateFlag } from '../parse.ts';

interface Flags extends CommonEmulatorFlags {
  plan: string;
  webhookDuplication: string;
  timeScale: string;
  catalog?: string;
  shopDomain?: string;
  accessToken?: string;
  clientSecret?: string;
  clientId?: string;
  staticToken: boolean;
  allowHttpCallbacks?: boolean;
  tokenLifetime: string;
  bulkDuration: string;
  redactCustomers?: boolean;
  complianceUrl?: string;
  locations?: string;
}

const PLANS: ShopifyPlan[] = ['standard', 'advanced', 'plus', 'enterprise'];
const isPlan = (p: string): p is ShopifyPlan => (PLANS as string[]).includes(p);

function locationNames(text: string): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw invalid('--locations', 'at least one name');
  if (new Set(names).size !== names.length) throw invalid('--locations', 'names must differ');
  return names;
}

export function register(program: Command): void {
  const cmd = emulateCommand(program)
    .command('shopify')
    .description(`Shopify Admin GraphQL API emulator (${DEFAULT_API_VERSION}): real schema, cost throttling, orders, signed webhooks`)
    .option('--plan <plan>', 'standard | advanced | plus | enterprise (bucket restore 100/200/1000/2000 points/s)', 'standard');
  emulatorFlags(cmd, {
    latencyExample: '80ms',
    webhookLoss: 'share of webhook deliveries never sent, e.g. 0.003',
    webhookDelay: 'delay before the first delivery attempt',
    skus: 'generated catalogue size (SKU-00001...)',
  }, (c) => c
    .option('--webhook-duplication <rate>', 'share of deliveries sent twice', '0')
    .option('--time-scale <x>', 'multiplies webhook retry delays and timeouts (1 = real time)', '1')
    .option('--catalog <file>', 'seed the catalogue from a CSV (sku,available[,title]) or JSON file instead')
    .option('--shop-domain <domain>', 'shop domain', 'dropsync-emulator.myshopify.com')
    .option('--access-token <token>', 'Admin API access token (random when omitted)')
    .option('--client-secret <secret>', 'app client secret that signs webhooks and OAuth redirects (random when omitted)')
    .option('--client-id <id>', "the app's client id for OAuth (random when omitted)")
    .option('--no-static-token', 'no static (legacy custom app) token: apps must install through OAuth')
    .option('--allow-http-callbacks', 'accept http:// webhook addresses (Shopify refuses them; for a local dropsync)')
    .option('--token-lifetime <duration>', 'lifetime of expiring access tokens', '3600s')
    .option('--bulk-duration <duration>', 'how long a bulk operation takes to complete', '1s')
    .option('--redact-customers', 'answer as for an app without protected customer data access (no email, no customer)')
    .option('--compliance-url <url>', "the app's compliance webhook address (for /_control/compliance)")
    .option('--locations <names>', 'comma-separated location names, the first the primary one (default "Main warehouse")'))
    .action(async (f: Flags) => {
      const common = parseEmulatorFlags(f);
      const plan = f.plan;
      if (!isPlan(plan)) throw invalid('--plan', `must be one of ${PLANS.join(', ')}`);
      const emu = await startShopifyEmulator({
        port: common.port,
        host: common.host,
        plan,
        latencyMs: common.latencyMs,
        webhookLoss: common.webhookLoss,
        webhookDuplication: rateFlag(f.webhookDuplication, '--webhook-duplication'),
        webhookDelayMs: common.webhookDelayMs,
        timeScale: numberFlag(f.timeScale, '--time-scale'),
        seed: common.seed,
        ...(f.catalog ? { catalog: loadCatalogFile(f.catalog) } : { skus: common.skus }),
        ...(f.shopDomain ? { shopDomain: f.shopDomain } : {}),
        ...(f.accessToken ? { accessToken: f.accessToken } : {}),
        ...(f.clientSecret ? { clientSecret: f.clientSecret } : {}),
        ...(f.clientId ? { clientId: f.clientId } : {}),
        ...(f.staticToken === false ? { accessToken: null } : {}),
        allowHttpCallbacks: f.allowHttpCallbacks === true,
        tokenLifetimeSeconds: durationFlag(f.tokenLifetime, '--token-lifetime'),
        bulkDurationMs: durationFlag(f.bulkDuration, '--bulk-duration') * 1000,
        redactCustomers: f.redactCustomers === true,
        ...(f.complianceUrl ? { complianceWebhookUrl: f.complianceUrl } : {}),
        ...(f.locations ? { locations: locationNames(f.locations) } : {}),
      });
      const info = {
        platform: 'shopify',
        url: emu.url,
        graphqlUrl: `${emu.url}/admin/api/${DEFAULT_API_VERSION}/graphql.json`,
        controlUrl: `${emu.url}/_control/`,
        shopDomain: emu.shopDomain,
        accessToken: emu.accessToken,
        webhookSecret: emu.clientSecret,
        clientId: emu.clientId,
        clientSecret: emu.clientSecret,
        authorizeUrl: `${emu.url}/admin/oauth/authorize`,
        locationId: emu.locationId,
        locations: emu.control.locations(),
        plan,
      };
      await runEmulator(emu, f.json, info, [
        `Shopify emulator listening on ${emu.url}`,
        `  GraphQL Admin API: ${info.graphqlUrl}`,
        `  control API:       ${info.controlUrl} (levels, locations, orders and their fulfilments and refunds, notifications, discounts, requests, deliveries, knobs)`,
        `  shop domain:       ${emu.shopDomain}`,
        `  access token:      ${emu.accessToken || '(none: install through OAuth)'}`,
        `  client id:         ${emu.clientId}`,
        `  client secret:     ${emu.clientSecret} (signs webhooks and OAuth redirects)`,
        `  OAuth:             ${emu.url}/admin/oauth/authorize, ${emu.url}/admin/oauth/access_token`,
        `  locations:         ${info.locations.map((l) => `${l.name} ${l.id}`).join(', ')}`,
        `  plan:              ${plan}`,
      ]);
    });
}
