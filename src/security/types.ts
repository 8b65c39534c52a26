/**
 * Terms:
 * - api key: a secret bearer string. `dsk_...` is a supplier admin key, `dsr_...` a retailer token that only sees
 *   its own retailer's data. Only the SHA-256 hash of a key is stored; lookup is by hash, so no timing leak.
 * - secret key: the 32-byte AES-256-GCM key that seals store credentials at rest. From `DROPSYNC_SECRET_KEY`
 *   (base64 or hex), else `<data>/secret.key` (mode 0600, created on first use in embedded mode).
 * - sealed: `v1.<iv>.<tag>.<ciphertext>` (base64url parts) of the credentials JSON; opening checks the tag.
 */
export type KeyKind = 'admin' | 'retailer';

/** Seals and opens store credentials with one secret key. */
export interface CredentialSealer {
  seal(credentials: Record<string, string>): string;
  open(sealed: string): Record<string, string>;
}
