/**
 * Dashboard sessions: a random 256-bit id in an HttpOnly, SameSite=Strict cookie, the principal kept in memory.
 * Why memory: sessions are short-lived UI conveniences; a restart just asks the user to sign in again, and no
 * session secret ever reaches the database. CSRF: SameSite=Strict stops cross-site cookies, and every mutating
 * request must also echo the per-session token in X-CSRF-Token (a value a cross-site page cannot read).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { DropsyncError } from '../../domain/errors.ts';
import type { Clock } from '../../domain/types.ts';
import type { Principal, Session } from '../types.ts';

export const SESSION_COOKIE = 'dropsync_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionStore {
  create(principal: Principal, key: string): Session;
  get(id: string): Session | undefined;
  delete(id: string): void;
  /** The live session of a request's cookie, or null. */
  resolve(request: FastifyRequest): Session | null;
  /** Cookie header value for a new session. */
  cookie(session: Session): string;
  clearCookie(): string;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !(name in out)) out[name] = decodeURIComponent(value);
  }
  return out;
}

export function createSessionStore(clock: Clock, ttlMs: number, secure: boolean): SessionStore {
  const sessions = new Map<string, Session>();
  const attrs = `Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

  function sweep(): void {
    const now = clock.now();
    for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
  }

  return {
    create(principal, key) {
      sweep();
      const session: Session = {
        id: randomBytes(32).toString('base64url'),
        principal,
        csrf: randomBytes(24).toString('base64url'),
        key,
        expiresAt: clock.now() + ttlMs,
      };
      sessions.set(session.id, session);
      return session;
    },
    get(id) {
      const s = sessions.get(id);
      if (!s) return undefined;
      if (s.expiresAt <= clock.now()) {
        sessions.delete(id);
        return undefined;
      }
      return s;
    },
    delete(id) {
      sessions.delete(id);
    },
    resolve(request) {
      const id = parseCookies(request.headers.cookie)[SESSION_COOKIE];
      return id ? (this.get(id) ?? null) : null;
    },
    cookie(session) {
      return `${SESSION_COOKIE}=${session.id}; ${attrs}; Max-Age=${Math.floor(ttlMs / 1000)}`;
    },
    clearCookie() {
      return `${SESSION_COOKIE}=; ${attrs}; Max-Age=0`;
    },
  };
}

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Refuses a request another site made (Sec-Fetch-Site, sent by every current browser). */
export function refuseCrossSite(request: FastifyRequest): void {
  if (request.headers['sec-fetch-site'] === 'cross-site') throw new DropsyncError('forbidden', 'cross-site request refused', 'sec-fetch-site');
}

/**
 * Refuses cross-site or token-less mutating requests: the request must not be cross-site, and the CSRF header
 * must match the session's token.
 */
export function checkCsrf(request: FastifyRequest, session: Session): void {
  refuseCrossSite(request);
  const token = request.headers[CSRF_HEADER];
  if (typeof token !== 'string' || !sameToken(token, session.csrf)) throw new DropsyncError('forbidden', 'missing or wrong CSRF token', 'X-CSRF-Token');
}
