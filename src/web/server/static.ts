/**
 * Serves the built SPA: hashed assets under /assets with long caching, index.html for client routes. The bundle
 * is built on the first request when missing (programmatic `vite build`), so a fresh clone works without a
 * separate step; `npm run build:web` does the same ahead of time.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DropsyncError } from '../../domain/errors.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const REPO_ROOT = resolve(HERE, '../../..');
export const DEFAULT_DIST = join(REPO_ROOT, 'dist/web');
export const VITE_CONFIG = resolve(HERE, '../vite.config.ts');
const CLIENT_DIR = resolve(HERE, '../client');

/** Newest modification time of any file under `dir` (the client sources are a few dozen files). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  // An install without the client sources can only serve what was built.
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const s = await stat(join(entry.parentPath, entry.name));
    if (s.mtimeMs > newest) newest = s.mtimeMs;
  }
  return newest;
}

/** Paths that belong to the API and tools; the SPA fallback never answers them. */
export const RESERVED_PREFIXES = ['/v1', '/webhooks', '/docs', '/openapi.json', '/metrics', '/healthz', '/web/api', '/web/events', '/web/session', '/web/preview'];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(p + '/') || path.startsWith(p + '?'));
}

const building = new Map<string, Promise<void>>();

/** Builds the bundle into `outDir` once per process (concurrent callers share the build). */
export function buildBundle(outDir: string): Promise<void> {
  let pending = building.get(outDir);
  if (!pending) {
    pending = (async () => {
      const vite = await import('vite');
      await vite.build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    })().catch((err: unknown) => { building.delete(outDir); throw err; });
    building.set(outDir, pending);
  }
  return pending;
}

export function registerStatic(app: FastifyInstance, opts: { distDir: string; buildOnDemand: boolean }): void {
  const root = resolve(opts.distDir);

  let checked = false;
  async function ensureBuilt(): Promise<boolean> {
    const index = join(root, 'index.html');
    if (checked || !opts.buildOnDemand) return existsSync(index);
    // Missing, or older than its sources (a checkout that moved on): build once per process.
    const built = await stat(index).then((s) => s.mtimeMs, () => -1);
    if (built < 0 || (await newestMtime(CLIENT_DIR)) > built) {
      app.log.info({ outDir: root }, 'web bundle missing or stale: building it now');
      await buildBundle(root);
    }
    checked = true;
    return existsSync(index);
  }

  async function sendFile(reply: FastifyReply, file: string, immutable: boolean) {
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    void reply.header('content-type', type).header('x-content-type-options', 'nosniff')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (type.startsWith('text/html')) void reply.header('content-security-policy', CSP).header('referrer-policy', 'same-origin');
    return reply.send(body);
  }

  app.get('/*', async (request, reply) => {
    const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    // Reserved paths (/v1, /webhooks, ...) get the API's own JSON 404 ({ error: { kind, message } }).
    if (isReserved(path)) return reply.callNotFound();
    if (!(await ensureBuilt())) throw new DropsyncError('unavailable', 'web bundle not built; run npm run build:web');
    if (extname(path) !== '') {
      const file = resolve(root, '.' + path);
      const info = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
      if (!info?.isFile()) throw new DropsyncError('not_found', `no file ${path}`);
      return sendFile(reply, file, path.startsWith('/assets/'));
    }
    return sendFile(reply, join(root, 'index.html'), false);
  });
}
