/**
 * `dropsync emulate woocommerce`: runs the WooCommerce REST API emulator until SIGINT/SIGTERM and prints its
 * base URL and keys (one JSON line with --json). The `emulate` parent is shared with other platforms.
 */
import { Command } from 'commander';
import { startWooEmulator } from '../../emulators/woocommerce/index.ts';
import { emulateCommand, emulatorFlags, parseEmulatorFlags, runEmulator, type CommonEmulatorFlags } from './emulate.ts';
import { integerFlag, rateFlag } from '../parse.ts';

interface Flags extends CommonEmulatorFlags {
  errorRate: string;
  rateLimitRate: string;
  retryAfter?: string;
  hangRate: string;
  variationsRatio: string;
  consumerKey?: string;
  consumerSecret?: string;
}

export function register(program: Command): void {
  const cmd = emulateCommand(program)
    .command('woocommerce')
    .description('WooCommerce REST API v3 emulator: products, variations, orders, coupons, webhooks, both authentications');
  emulatorFlags(cmd, {
    latencyExample: '150ms',
    webhookLoss: 'share of webhook deliveries never attempted, e.g. 0.15',
    webhookDelay: 'delay before a delivery is attempted',
    skus: 'seeded catalogue size',
  }, (c) => c
    .option('--error-rate <rate>', 'share of requests answered 500/503', '0')
    .option('--rate-limit-rate <rate>', 'share of requests answered 429', '0')
    .option('--retry-after <seconds>', 'Retry-After sent with 429/503 (none when omitted)')
    .option('--hang-rate <rate>', 'share of requests never answered', '0')
    .option('--variations-ratio <rate>', 'share of seeded SKUs that are variations', '0.5')
    .option('--consumer-key <key>', 'consumer key (random ck_... when omitted)')
    .option('--consumer-secret <secret>', 'consumer secret (random cs_... when omitted)'))
    .action(async (f: Flags) => {
      const common = parseEmulatorFlags(f);
      const emu = await startWooEmulator({
        port: common.port,
        host: common.host,
        skus: common.skus,
        variationsRatio: rateFlag(f.variationsRatio, '--variations-ratio'),
        seed: common.seed,
        ...(f.consumerKey ? { consumerKey: f.consumerKey } : {}),
        ...(f.consumerSecret ? { consumerSecret: f.consumerSecret } : {}),
        knobs: {
          latencyMs: common.latencyMs,
          webhookLoss: common.webhookLoss,
          webhookDelayMs: common.webhookDelayMs,
          errorRate: rateFlag(f.errorRate, '--error-rate'),
          rateLimitRate: rateFlag(f.rateLimitRate, '--rate-limit-rate'),
          retryAfterSeconds: f.retryAfter === undefined ? null : integerFlag(f.retryAfter, '--retry-after'),
          hangRate: rateFlag(f.hangRate, '--hang-rate'),
        },
      });
      const info = { platform: 'woocommerce', url: emu.url, apiUrl: `${emu.url}/wp-json/wc/v3/`, controlUrl: `${emu.url}/_control/`, consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret };
      await runEmulator(emu, f.json, info, [
        `WooCommerce emulator listening on ${emu.url}`,
        `  REST API:        ${info.apiUrl}`,
        `  control API:     ${info.controlUrl} (stock, orders, webhooks, knobs, requests)`,
        `  consumer key:    ${emu.consumerKey}`,
        `  consumer secret: ${emu.consumerSecret}`,
      ]);
    });
}
