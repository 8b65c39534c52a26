/**
 * `dropsync emulate woocommerce`: runs the WooCommerce REST API emulator until SIGINT/SIGTERM and prints its
 * base URL and keys (one JSON line with --json). The `emulate` parent is shared with other platforms.
 */
import { Command } from 'commander';
import { startWooEmulator } from '../../emulators/woocommerce/index.ts';
import { emulateCommand } from './emulate.ts';
import { durationFlag, integerFlag, portFlag, untilSignal, rateFlag } from '../parse.ts';

interface Flags {
  port: string;
  host: string;
  latency: string;
  webhookLoss: string;
  webhookDelay: string;
  errorRate: string;
  rateLimitRate: string;
  retryAfter?: string;
  hangRate: string;
  skus: string;
  variationsRatio: string;
  seed: string;
  consumerKey?: string;
  consumerSecret?: string;
  json?: boolean;
}

export function register(program: Command): void {
  emulateCommand(program)
    .command('woocommerce')
    .description('WooCommerce REST API v3 emulator: products, variations, orders, coupons, webhooks, both authentications')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--latency <duration>', 'added to every API answer, e.g. 150ms', '0ms')
    .option('--webhook-loss <rate>', 'share of webhook deliveries never attempted, e.g. 0.15', '0')
    .option('--webhook-delay <duration>', 'delay before a delivery is attempted', '0ms')
    .option('--error-rate <rate>', 'share of requests answered 500/503', '0')
    .option('--rate-limit-rate <rate>', 'share of requests answered 429', '0')
    .option('--retry-after <seconds>', 'Retry-After sent with 429/503 (none when omitted)')
    .option('--hang-rate <rate>', 'share of requests never answered', '0')
    .option('--skus <n>', 'seeded catalogue size', '100')
    .option('--variations-ratio <rate>', 'share of seeded SKUs that are variations', '0.5')
    .option('--seed <n>', 'seed for every random choice', '1')
    .option('--consumer-key <key>', 'consumer key (random ck_... when omitted)')
    .option('--consumer-secret <secret>', 'consumer secret (random cs_... when omitted)')
    .option('--json', 'print one JSON line')
    .action(async (f: Flags) => {
      const port = portFlag(f.port);
      const emu = await startWooEmulator({
        port,
        host: f.host,
        skus: integerFlag(f.skus, '--skus'),
        variationsRatio: rateFlag(f.variationsRatio, '--variations-ratio'),
        seed: integerFlag(f.seed, '--seed'),
        ...(f.consumerKey ? { consumerKey: f.consumerKey } : {}),
        ...(f.consumerSecret ? { consumerSecret: f.consumerSecret } : {}),
        knobs: {
          latencyMs: durationFlag(f.latency, '--latency') * 1000,
          webhookLoss: rateFlag(f.webhookLoss, '--webhook-loss'),
          webhookDelayMs: durationFlag(f.webhookDelay, '--webhook-delay') * 1000,
          errorRate: rateFlag(f.errorRate, '--error-rate'),
          rateLimitRate: rateFlag(f.rateLimitRate, '--rate-limit-rate'),
          retryAfterSeconds: f.retryAfter === undefined ? null : integerFlag(f.retryAfter, '--retry-after'),
          hangRate: rateFlag(f.hangRate, '--hang-rate'),
        },
      });
      const info = { platform: 'woocommerce', url: emu.url, apiUrl: `${emu.url}/wp-json/wc/v3/`, controlUrl: `${emu.url}/_control/`, consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret };
      if (f.json) process.stdout.write(`${JSON.stringify(info)}\n`);
      else {
        process.stdout.write(
          [
            `WooCommerce emulator listening on ${emu.url}`,
            `  REST API:        ${info.apiUrl}`,
            `  control API:     ${info.controlUrl} (stock, orders, webhooks, knobs, requests)`,
            `  consumer key:    ${emu.consumerKey}`,
            `  consumer secret: ${emu.consumerSecret}`,
            'Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
      }
      await untilSignal();
      await emu.close();
    });
}
