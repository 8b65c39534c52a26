import { configSuite } from './suite-config.ts';
import { setup } from './helpers.ts';

configSuite('HTTP config routes on PGlite', () => setup({ engine: 'fake' }));
