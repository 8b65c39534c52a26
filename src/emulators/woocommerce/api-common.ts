/** Shapes shared by the emulator's REST route handlers: results, errors, pagination. */
import { WooError } from './state.ts';

export interface ApiRequest {
  method: string;
  /** The request URL without authentication parameters (for Link headers). */
  url: URL;
  params: string[];
  query: URLSearchParams;
  body: unknown;
}

export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => ApiResult | Promise<ApiResult>;

export interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

export function errorBody(code: string, message: string, status: number): { code: string; message: string; data: { status: number } } {
  return { code, message, data: { status } };
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): ApiResult {
  return headers ? { status, body, headers } : { status, body };
}

export function record(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new WooError(400, 'rest_invalid_json', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** `per_page` 1..100 (default 10) and `page` >= 1, as WordPress validates them. */
export function pageParams(query: URLSearchParams): { perPage: number; page: number } {
  const perPage = query.has('per_page') ? Number(query.get('per_page')) : 10;
  const page = query.has('page') ? Number(query.get('page')) : 1;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page (per_page must be between 1 (inclusive) and 100 (inclusive))');
  }
  if (!Number.isInteger(page) || page < 1) {
    throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): page (page must be greater than or equal to 1)');
  }
  return { perPage, page };
}

/** One page of `items` with WordPress's X-WP-Total / X-WP-TotalPages / Link headers. */
export function paged<T>(items: T[], req: ApiRequest, toJson: (item: T) => unknown): ApiResult {
  const query = req.query;
  const { perPage, page } = pageParams(query);
  const total = items.length;
  const totalPages = Math.ceil(total / perPage);
  if (total > 0 && page > totalPages) {
    throw new WooError(400, 'rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.');
  }
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) };
  const link = (p: number, rel: string) => {
    const u = new URL(req.url.href);
    u.searchParams.set('page', String(p));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links = [...(page > 1 ? [link(page - 1, 'prev')] : []), ...(page < totalPages ? [link(page + 1, 'next')] : [])];
  if (links.length > 0) headers.Link = links.join(', ');
  return ok(slice.map(toJson), 200, headers);
}

/** Comma-separated list parameter, empty entries dropped. */
export function listParam(query: URLSearchParams, name: string): string[] | null {
  const raw = query.get(name);
  if (raw === null) return null;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function idParam(value: string | undefined): number {
  return Number(value);
}
