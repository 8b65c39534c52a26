import type { Clock } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import type { EngineEvent, Logger } from './types.ts';

/** What every engine operation gets: the database, time, ids, logging and the event emitter. */
export interface Ctx {
  db: Db;
  clock: Clock;
  log: Logger;
  newId(prefix: string): string;
  emit(event: EngineEvent, payload: unknown): void;
  /** This process's id, named in the notifications of its desired writes so it can skip its own. */
  origin: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const nowIso = (ctx: Ctx): string => iso(ctx.clock.now());
