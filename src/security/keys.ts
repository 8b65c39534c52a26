import { createHash, randomBytes } from 'node:crypto';
import type { KeyKind } from './types.ts';

const PREFIX: Record<KeyKind, string> = { admin: 'dsk_', retailer: 'dsr_' };

/** A new high-entropy key (256 random bits), e.g. `dsk_3q2-...`. Shown once; only its hash is kept. */
export function generateApiKey(kind: KeyKind): string {
  return PREFIX[kind] + randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a key. A plain hash is enough because keys are random, not passwords. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Which kind a key claims to be by its prefix (the database row is the authority). */
export function keyKindOf(key: string): KeyKind | null {
  if (key.startsWith(PREFIX.admin)) return 'admin';
  if (key.startsWith(PREFIX.retailer)) return 'retailer';
  return null;
}
