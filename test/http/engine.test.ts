import { engineSuite } from './suite-engine.ts';
import { setup } from './helpers.ts';

engineSuite('HTTP routes through the engine on PGlite', () => setup({ engine: 'real' }));
