export type { Db, OpenDatabaseOptions } from './types.ts';
export { openDatabase } from './open.ts';
export { migrate } from './migrate.ts';
export { ping } from './ping.ts';
