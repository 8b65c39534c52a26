/** Test helpers: a webhook receiver on 127.0.0.1 and signed requests to the emulator. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signUrl, type OAuthMethod } from '../../src/connectors/woocommerce/oauth.ts';
import type { WooEmulator } from '../../src/emulators/woocommerce/index.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status the receiver answers with. */
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(status = 200): Promise<Receiver> {
  const received: Received[] = [];
  const r: Receiver = { url: '', received, status, close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(r.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/woocommerce/store-1`;
  r.close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return r;
}

/** A request signed with OAuth 1.0a, with control over timestamp, nonce and method. */
export async function oauthRequest(
  emu: WooEmulator,
  method: string,
  path: string,
  opts: { body?: unknown; nowMs?: number; nonce?: string; secret?: string; sig?: OAuthMethod; query?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const url = new URL(`${emu.url}/wp-json/wc/v3/${path}`);
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
  const signed = signUrl(method, url, emu.consumerKey, opts.secret ?? emu.consumerSecret, opts.nowMs ?? Date.now(), opts.sig ?? 'HMAC-SHA256', opts.nonce);
  const res = await fetch(signed, {
    method,
    headers: opts.body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export function basicRequest(emu: WooEmulator, method: string, path: string, body?: unknown, secret?: string) {
  const auth = Buffer.from(`${emu.consumerKey}:${secret ?? emu.consumerSecret}`).toString('base64');
  return fetch(`${emu.url}/wp-json/wc/v3/${path}`, {
    method,
    headers: { authorization: `Basic ${auth}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any, headers: res.headers }));
}
