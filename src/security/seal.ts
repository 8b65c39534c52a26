import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DropsyncError } from '../domain/errors.ts';
import type { CredentialSealer } from './types.ts';

const VERSION = 'v1';

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new DropsyncError('invalid', 'secret key must be 32 bytes', 'DROPSYNC_SECRET_KEY');
}

/** Encrypts a credentials object with AES-256-GCM under `key` (32 bytes); a fresh 96-bit IV per call. */
export function sealCredentials(key: Uint8Array, credentials: Record<string, string>): string {
  checkKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

/** Decrypts what sealCredentials produced. A wrong key or a tampered value throws, never returns garbage. */
export function openCredentials(key: Uint8Array, sealed: string): Record<string, string> {
  checkKey(key);
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DropsyncError('invalid', 'not a sealed credentials value', 'credentials');
  const [, iv, tag, body] = parts as [string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, string>;
  } catch {
    // Same message for every failure: the tag check is what matters and it must not leak detail.
    throw new DropsyncError('invalid', 'credentials could not be decrypted (wrong DROPSYNC_SECRET_KEY?)', 'credentials');
  }
}

/** Binds a key once so callers (HTTP, engine) need not carry it around. */
export function createSealer(key: Uint8Array): CredentialSealer {
  checkKey(key);
  const copy = Buffer.from(key);
  return {
    seal: (credentials) => sealCredentials(copy, credentials),
    open: (sealed) => openCredentials(copy, sealed),
  };
}
