/** Level 4 on the real dropsync engine. Placeholder until the engine lands: falls back to the model. */
import { modelRealtimeRunner } from './levels.ts';
import type { RealtimeRunner } from './types.ts';

export function engineRealtimeRunner(_options: { sampleSkus: number }): RealtimeRunner {
  return modelRealtimeRunner;
}
