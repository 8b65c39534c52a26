/** `dropsync demo`: everything on one machine, until Ctrl-C or --duration. */
import type { Command } from 'commander';
import { integerFlag, numberFlag } from '../parse.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run dropsync with two Shopify and two WooCommerce emulated stores, a seeded catalogue and live sales')
    .option('--port <n>', 'HTTP port of the server (0 picks a free one)', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'keep the embedded database in this directory (default: a temporary one, removed on exit)')
    .option('--duration <seconds>', 'stop by itself after this many seconds')
    .option('--skus <n>', 'catalogue size', '300')
    .option('--seed <n>', 'random seed of the catalogue and the load', '1')
    .option('--no-load', 'connect and sync, but run no sales')
    .action(async (opts: { port: string; host: string; data?: string; duration?: string; skus: string; seed: string; load: boolean }, command: Command) => {
      const port = integerFlag(opts.port, '--port');
      const durationSeconds = opts.duration === undefined ? undefined : numberFlag(opts.duration, '--duration');
      const skus = integerFlag(opts.skus, '--skus', 1);
      const seed = integerFlag(opts.seed, '--seed');
      // Loaded here so other commands do not pay for the server and emulators.
      const { startDemo } = await import('../../demo/index.ts');
      const demo = await startDemo({
        port,
        anyPortIfTaken: command.getOptionValueSource('port') === 'default',
        host: opts.host,
        skus,
        seed,
        load: opts.load,
        ...(opts.data !== undefined ? { dataDir: opts.data } : {}),
        ...(durationSeconds !== undefined ? { durationSeconds } : {}),
      });
      const onSignal = (): void => {
        process.stdout.write('\nstopping the demo...\n');
        void demo.stop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const report = setInterval(() => {
        const s = demo.stats;
        void fetch(`${demo.url}/v1/conflicts?limit=1`, { headers: { authorization: `Bearer ${demo.adminKey}` } })
          .then(async (res) => (res.ok ? ((await res.json()) as { totalCount?: number; totalCost?: number }) : {}))
          .catch(() => ({}) as { totalCount?: number; totalCost?: number })
          .then((c) => {
            const conflicts = c.totalCount === undefined ? '' : `, conflicts ${c.totalCount} ($${c.totalCost ?? 0})`;
            process.stdout.write(`stock events ${s.stockEvents}, shopper orders ${s.shopperOrders}, sold out ${s.shopperTurnedAway}${conflicts}${s.errors ? `, errors ${s.errors}` : ''}\n`);
          });
      }, 10_000);
      await demo.done;
      clearInterval(report);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdout.write('demo stopped\n');
    });
}
