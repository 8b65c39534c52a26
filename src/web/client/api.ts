/** Talks to the dashboard endpoints with the session cookie; mutating calls carry the CSRF token. */

export interface Principal {
  kind: 'admin' | 'retailer';
  supplierId: string;
  retailerId?: string;
  /** The retailer's name for a retailer, else the supplier's. */
  name: string | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly field?: string) {
    super(message);
  }
}

let csrf = '';
let onUnauthorized: () => void = () => {};

export function setCsrf(token: string): void {
  csrf = token;
}
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/web/session')) onUnauthorized();
    // Every error answers { error: { kind, message, field } }.
    const err = (data as { error?: { message?: string; field?: string } } | undefined)?.error ?? {};
    throw new ApiError(res.status, err.message ?? `HTTP ${res.status}`, err.field);
  }
  return data as T;
}

export const api = {
  get: <T,>(path: string) => request<T>('GET', path),
  post: <T,>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T,>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T,>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T,>(path: string) => request<T>('DELETE', path),
};

export async function signIn(key: string): Promise<Principal> {
  const r = await request<{ principal: Principal; csrf: string }>('POST', '/web/session', { key });
  setCsrf(r.csrf);
  return r.principal;
}

export async function currentSession(): Promise<Principal | null> {
  try {
    const r = await request<{ principal: Principal; csrf: string }>('GET', '/web/session');
    setCsrf(r.csrf);
    return r.principal;
  } catch {
    return null;
  }
}

export async function signOut(): Promise<void> {
  await request('DELETE', '/web/session');
  setCsrf('');
}

/** The /v1 API through the session (the server serves the same routes there, with the signed-in key). */
export const v1 = (path: string) => `/web/api/v1${path}`;
