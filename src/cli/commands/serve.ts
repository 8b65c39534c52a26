/**
 * `dropsync serve`: the API (and dashboard) plus the sync engine in one process. On an empty database it creates
 * the first supplier and prints an admin key once. Logs are pino JSON on stderr; the human lines (URL, key) go to
 * stdout. SIGTERM/SIGINT stop the HTTP server, the engine and the database cleanly. Every setting of
 * src/config.ts is a flag here (and an environment variable); `dropsync serve --help` lists them.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { bootstrap, createHttpApp, openRuntime } from '../../runtime.ts';
import { addSettings, configOf } from '../settings.ts';

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the API, dashboard and sync engine (PGlite in --data, or a PostgreSQL server at --database-url)');
  addSettings(cmd, ['server', 'storage', 'engine', 'shopify', 'secret'])
    .action(async () => {
      const config = configOf(cmd);
      const { server } = config;
      const logger = pino({ level: server.logLevel, base: { service: 'dropsync' } }, pino.destination(2));
      const rt = await openRuntime(config, { logger });
      if (rt.secretKeySource === 'created') logger.info({ file: `${rt.location}/secret.key` }, 'generated the credentials key');
      const first = await bootstrap(rt.db, rt.clock, server.supplierName);
      const app = await createHttpApp(rt, { logger });
      await rt.engine.start();
      const address = await app.listen({ port: server.port, host: server.host });

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'stopping');
        try {
          // In-flight requests get a grace period; long-lived streams (dashboard live events) must not hold us up.
          let timer: NodeJS.Timeout | undefined;
          const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, server.shutdownGraceMs); });
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
