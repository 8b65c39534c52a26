/**
 * `dropsync serve`: the API (and dashboard) plus the sync engine in one process. On an empty database it creates
 * the first supplier and prints an admin key once. Logs are pino JSON on stderr; the human lines (URL, key) go to
 * stdout. SIGTERM/SIGINT stop the HTTP server, the engine and the database cleanly.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { bootstrap, createHttpApp, openRuntime } from '../../app.ts';
import { invalid } from '../../domain/errors.ts';

const SHUTDOWN_GRACE_MS = 10_000;

interface ServeOptions { port: string; host: string; data?: string; web: boolean; logLevel: string; supplierName: string }

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the API, dashboard and sync engine (PGlite in --data, or DATABASE_URL)')
    .option('--port <port>', 'TCP port (0: any free port)', process.env.PORT ?? '7400')
    .option('--host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data directory for the embedded database (default DROPSYNC_DATA or ./data)')
    .option('--no-web', 'serve the API only, without the dashboard')
    .option('--log-level <level>', 'pino log level', process.env.LOG_LEVEL ?? 'info')
    .option('--supplier-name <name>', 'name of the supplier created on first start', 'My supplier')
    .action(async (opts: ServeOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('--port', `must be 0-65535, got "${opts.port}"`);
      const logger = pino({ level: opts.logLevel, base: { service: 'dropsync' } }, pino.destination(2));
      const rt = await openRuntime({ ...(opts.data ? { dataDir: opts.data } : {}), logger });
      if (rt.secretKeySource === 'created') logger.info({ file: `${rt.location}/secret.key` }, 'generated the credentials key');
      const first = await bootstrap(rt.db, rt.clock, opts.supplierName);
      const app = await createHttpApp(rt, { logger, web: opts.web });
      await rt.engine.start();
      const address = await app.listen({ port, host: opts.host });

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping');
        try {
          // In-flight requests get a grace period; long-lived streams (dashboard live events) must not hold us up.
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, SHUTDOWN_GRACE_MS); });
          await Promise.race([app.close(), grace]);
          clearTimeout(timer);
          await rt.close();
        } finally {
          logger.flush();
          process.exit(0);
        }
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));

      const lines = [`dropsync ${rt.mode === 'embedded' ? `(embedded database in ${rt.location})` : `(database ${rt.location})`}`];
      lines.push(`listening on ${address}  (API ${address}/v1, docs ${address}/docs)`);
      if (first) {
        lines.push('', `Created supplier ${first.supplierId}. Admin API key (shown once; store it now):`, first.adminKey);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });
}
