/**
 * Keeping one store's expiring offline token alive: refreshed a few minutes before it expires (Shopify's advice)
 * and once when Shopify answers 401, by one process at a time, with the new pair saved before it is used.
 * Shopify keeps the previous refresh token usable until its replacement is first used, so a refresh whose answer
 * was lost, or whose save failed, can simply be retried with the stored token.
 * Stored credentials (sealed JSON): accessToken, and for expiring tokens refreshToken, accessTokenExpiresAt,
 * accessTokenObtainedAt, refreshTokenExpiresAt (ISO), scope. A pasted legacy `shpat_` token has none of the expiry fields: it is used as is.
 */
import { DropsyncError } from '../../domain/errors.ts';
import type { Clock } from '../../domain/types.ts';
import type { CredentialPort } from '../types.ts';
import { refreshTokens, TokenRevoked } from './oauth.ts';
import type { TokenSource } from './types.ts';

/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** How long one process may hold a store's refresh claim. */
export const CLAIM_MS = 30_000;

export interface TokenKeeperOptions {
  storeId: string;
  baseUrl: string;
  app: { clientId: string; clientSecret: string };
  clock: Clock;
  port?: CredentialPort;
  fetch?: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Default REFRESH_MARGIN_MS. */
  marginMs?: number;
}

const expiring = (c: Record<string, string>) => Boolean(c.refreshToken && c.accessTokenExpiresAt);

export class TokenKeeper implements TokenSource {
  private inflight: Promise<string> | null = null;

  constructor(private creds: Record<string, string>, private readonly opts: TokenKeeperOptions) {}

  get current(): Record<string, string> {
    return this.creds;
  }

  /**
   * Due for refresh: within the margin of its expiry. The margin is 5 minutes, but never more than a fifth of the
   * token's lifetime (known from `accessTokenObtainedAt`), so a short-lived token is not refreshed on every call.
   */
  private dueSoon(c: Record<string, string>): boolean {
    const at = Date.parse(c.accessTokenExpiresAt ?? '');
    if (!Number.isFinite(at)) return false;
    const obtained = Date.parse(c.accessTokenObtainedAt ?? '');
    let margin = this.opts.marginMs ?? REFRESH_MARGIN_MS;
    if (Number.isFinite(obtained) && at > obtained) margin = Math.min(margin, (at - obtained) / 5);
    return at - this.opts.clock.now() <= margin;
  }

  async token(): Promise<string> {
    if (expiring(this.creds) && this.opts.port && this.dueSoon(this.creds)) return this.refresh(this.creds.accessToken ?? '');
    return this.creds.accessToken ?? '';
  }

  async onUnauthorized(stale: string): Promise<string | null> {
    if (!this.opts.port) return null;
    if (this.creds.accessToken && this.creds.accessToken !== stale) return this.creds.accessToken;
    // Another process may have rotated it already.
    const stored = await this.opts.port.load(this.opts.storeId);
    if (stored.accessToken && stored.accessToken !== stale) {
      this.creds = stored;
      return stored.accessToken;
    }
    if (!expiring(stored)) return null;
    return this.refresh(stale);
  }

  /** One refresh at a time in this process; `stale` is the token that is no longer good enough. */
  private refresh(stale: string): Promise<string> {
    this.inflight ??= this.doRefresh(stale).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async doRefresh(stale: string): Promise<string> {
    const port = this.opts.port!;
    const id = this.opts.storeId;
    const fresh = (c: Record<string, string>) => c.accessToken && c.accessToken !== stale && !this.dueSoon(c);
    let stored = await port.load(id);
    if (fresh(stored)) return this.adopt(stored);
    const deadline = this.opts.clock.now() + CLAIM_MS;
    while (!(await port.claim(id, CLAIM_MS))) {
      // Another process is refreshing: wait for what it saves.
      await this.opts.sleep(200);
      stored = await port.load(id);
      if (fresh(stored)) return this.adopt(stored);
      if (this.opts.clock.now() > deadline) throw new DropsyncError('upstream', 'another process has been refreshing the Shopify token for too long');
    }
    try {
      stored = await port.load(id);
      if (fresh(stored)) {
        await port.release(id);
        return this.adopt(stored);
      }
      if (!stored.refreshToken) throw new TokenRevoked('no refresh token is stored for this store');
      const t = await refreshTokens(this.opts.baseUrl, this.opts.app, stored.refreshToken, this.opts.clock.now(), this.opts.fetch ?? fetch);
      const next: Record<string, string> = { ...stored, accessToken: t.accessToken, accessTokenObtainedAt: new Date(this.opts.clock.now()).toISOString() };
      if (t.refreshToken) next.refreshToken = t.refreshToken;
      if (t.accessTokenExpiresAt) next.accessTokenExpiresAt = t.accessTokenExpiresAt;
      if (t.refreshTokenExpiresAt) next.refreshTokenExpiresAt = t.refreshTokenExpiresAt;
      if (t.scope) next.scope = t.scope;
      // Saved before use: the stored refresh token is never older than the one Shopify expects next.
      await port.save(id, next);
      return this.adopt(next);
    } catch (err) {
      if (err instanceof TokenRevoked) {
        // Whatever records this error (the push log, the store's last error) says what happened and what to do.
        const lost = new TokenRevoked(`Shopify access lost: ${err.message}. The store is paused; the retailer must install the app again`);
        await port.accessLost(id, lost.message).catch(() => undefined);
        await port.release(id).catch(() => undefined);
        throw lost;
      }
      await port.release(id).catch(() => undefined);
      throw err;
    }
  }

  private adopt(c: Record<string, string>): string {
    this.creds = c;
    return c.accessToken ?? '';
  }
}
