import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DropsyncError } from '../domain/errors.ts';

export const SECRET_KEY_ENV = 'DROPSYNC_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

/** 32 bytes from hex (64 chars) or base64/base64url (43-44 chars). */
export function parseSecretKey(text: string, field = SECRET_KEY_ENV): Buffer {
  const t = text.trim();
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t)) key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (!key || key.length !== 32) throw new DropsyncError('invalid', 'must be 32 bytes as 64 hex characters or base64', field);
  return key;
}

export interface LoadSecretKeyOptions {
  /** The key as configured (DROPSYNC_SECRET_KEY, read by src/config.ts), if any. */
  secretKey?: string | undefined;
  /** Embedded mode's data directory: the key file lives (and is created) here. */
  dataDir?: string;
}

/**
 * The credentials key: the configured one wins; else `<dataDir>/secret.key`, created (mode 0600) when missing.
 * With neither (a server database and no key configured) it refuses, because a key made up per process would
 * make stored credentials unreadable by the next one.
 */
export function loadSecretKey(opts: LoadSecretKeyOptions = {}): { key: Buffer; source: 'env' | 'file' | 'created' } {
  const given = opts.secretKey;
  if (given && given.trim() !== '') return { key: parseSecretKey(given), source: 'env' };
  if (!opts.dataDir) {
    throw new DropsyncError('invalid', 'set it (32 bytes, hex or base64) when using DATABASE_URL', SECRET_KEY_ENV);
  }
  const file = join(opts.dataDir, SECRET_KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    return { key: parseSecretKey(readFileSync(file, 'utf8'), file), source: 'file' };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process created a moment ago.
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key: parseSecretKey(readFileSync(file, 'utf8'), file), source: 'file' };
    throw err;
  }
  return { key, source: 'created' };
}
