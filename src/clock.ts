/**
 * The system clock: the one place dropsync reads the wall clock. Everything else takes a `Clock` (src/domain)
 * from its caller, so tests and simulations run on a clock they control; composition roots (the CLI commands,
 * the demo, the emulators' start functions) hand this one in.
 */
import type { Clock } from './domain/types.ts';

export const systemClock: Clock = { now: () => Date.now() };
