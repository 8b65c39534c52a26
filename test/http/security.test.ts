import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateApiKey, hashApiKey, keyKindOf, loadSecretKey, openCredentials, parseSecretKey, sealCredentials } from '../../src/security/index.ts';
import { DropsyncError } from '../../src/domain/errors.ts';

test('api keys: prefixed, random, hashed to 64 hex chars', () => {
  const a = generateApiKey('admin');
  const r = generateApiKey('retailer');
  assert.match(a, /^dsk_[A-Za-z0-9_-]{43}$/);
  assert.match(r, /^dsr_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateApiKey('admin'), a);
  assert.equal(keyKindOf(a), 'admin');
  assert.equal(keyKindOf(r), 'retailer');
  assert.equal(keyKindOf('nope'), null);
  assert.match(hashApiKey(a), /^[0-9a-f]{64}$/);
  assert.equal(hashApiKey(a), hashApiKey(a));
});

test('sealed credentials round-trip, hide the plaintext, and reject a wrong key or tampering', () => {
  const key = randomBytes(32);
  const creds = { accessToken: 'shpat_secret_123', webhookSecret: 'whsec' };
  const sealed = sealCredentials(key, creds);
  assert.ok(!sealed.includes('shpat'));
  assert.notEqual(sealCredentials(key, creds), sealed, 'fresh IV each time');
  assert.deepEqual(openCredentials(key, sealed), creds);
  assert.throws(() => openCredentials(randomBytes(32), sealed), DropsyncError);
  const parts = sealed.split('.');
  const body = Buffer.from(parts[3]!, 'base64url');
  body[0] = body[0]! ^ 1;
  parts[3] = body.toString('base64url');
  assert.throws(() => openCredentials(key, parts.join('.')), DropsyncError);
  assert.throws(() => sealCredentials(randomBytes(16), creds), /32 bytes/);
});

test('secret key: env (hex or base64) wins, else a 0600 file created once in the data dir', () => {
  const hex = randomBytes(32).toString('hex');
  assert.equal(loadSecretKey({ secretKey: hex }).key.toString('hex'), hex);
  const b64 = Buffer.from(hex, 'hex').toString('base64');
  assert.equal(parseSecretKey(b64).toString('hex'), hex);
  assert.throws(() => parseSecretKey('short'), (e: unknown) => e instanceof DropsyncError && e.field === 'DROPSYNC_SECRET_KEY');
  assert.throws(() => loadSecretKey({}), /DATABASE_URL/);

  const dir = mkdtempSync(join(tmpdir(), 'dropsync-key-'));
  try {
    const first = loadSecretKey({ dataDir: dir });
    assert.equal(first.source, 'created');
    const file = join(dir, 'secret.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = loadSecretKey({ dataDir: dir });
    assert.equal(again.source, 'file');
    assert.deepEqual(again.key, first.key);
    assert.equal(parseSecretKey(readFileSync(file, 'utf8')).length, 32);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
