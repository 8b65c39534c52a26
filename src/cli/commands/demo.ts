/** `dropsync demo`: everything on one machine, until Ctrl-C or --duration. */
import type { Command } from 'commander';
import type { DemoHandle } from '../../demo/index.ts';
import { systemClock } from '../../clock.ts';
import { integerFlag, numberFlag } from '../parse.ts';

/**
 * One line every few seconds: the load, the conflicts and their cost, and the worst store's sync lag since the
 * load started (the initial full sync of every listing is reported on its own line).
 */
async function printReport(demo: DemoHandle, since: string): Promise<void> {
  const headers = { authorization: `Bearer ${demo.adminKey}` };
  const get = async <T>(path: string): Promise<T | null> => {
    try {
      const res = await fetch(demo.url + path, { headers });
      return res.ok ? ((await res.json()) as T) : null;
    } catch {
      return null;
    }
  };
  type Lag = { lagP50Ms: number | null; lagP99Ms: number | null };
  const [conflicts, syncs] = await Promise.all([
    get<{ totalCount: number; totalCost: number }>('/v1/conflicts?limit=1'),
    Promise.all(demo.stores.map((st) => get<Lag>(`/v1/stores/${st.storeId}/sync?since=${encodeURIComponent(since)}`))),
  ]);
  const s = demo.stats;
  const parts = [`stock events ${s.stockEvents}`, `shopper orders ${s.shopperOrders}`, `sold out ${s.shopperTurnedAway}`];
  if (conflicts) parts.push(`conflicts ${conflicts.totalCount} ($${conflicts.totalCost})`);
  const p50 = Math.max(0, ...syncs.map((x) => x?.lagP50Ms ?? 0));
  const p99 = Math.max(0, ...syncs.map((x) => x?.lagP99Ms ?? 0));
  if (p99 > 0) parts.push(`sync lag p50 ${Math.round(p50)} ms, p99 ${Math.round(p99)} ms (worst store)`);
  if (s.errors) parts.push(`errors ${s.errors}`);
  process.stdout.write(parts.join(', ') + '\n');
}

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
      let since = new Date(systemClock.now()).toISOString();
      void demo.initialSync.then(() => { since = new Date(systemClock.now()).toISOString(); }, () => {});
      const report = setInterval(() => void printReport(demo, since), 10_000);
      await demo.done;
      clearInterval(report);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdout.write('demo stopped\n');
    });
}
