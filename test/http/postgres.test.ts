/** The same route suites on the PostgreSQL server, one fresh schema per suite, dropped at the end. */
import { configSuite } from './suite-config.ts';
import { engineSuite } from './suite-engine.ts';
import { PG_URL, postgresReachable, setup } from './helpers.ts';

const reachable = await postgresReachable();
if (!reachable) console.log(`# Postgres at ${PG_URL} is unreachable: server tests skipped`);

configSuite('HTTP config routes on the Postgres server', async () => (reachable ? setup({ engine: 'fake', server: true }) : null));
engineSuite('HTTP routes through the engine on the Postgres server', async () => (reachable ? setup({ engine: 'real', server: true }) : null));
