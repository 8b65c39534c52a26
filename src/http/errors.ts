/**
 * The one place where errors become HTTP responses: `{ error: { kind, message, field } }`.
 * DropsyncError kinds map to statuses here; Fastify's own errors (schema validation, body limit, bad JSON,
 * unsupported media type) are turned into the same shape, naming the field where there is one.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DropsyncError, type ErrorKind } from '../domain/errors.ts';
import { isDatabaseUnavailable } from '../store/db-errors.ts';

export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
};

export interface ErrorBody { error: { kind: ErrorKind | 'internal' | 'unavailable'; message: string; field?: string } }

interface AjvError { instancePath?: string; keyword?: string; message?: string; params?: Record<string, unknown> }

/** `/events/3/quantity` -> `events[3].quantity`. */
export function pointerToField(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

/** Field and message from the first schema validation error. */
export function describeValidation(errors: readonly AjvError[], context: string | undefined): { field: string; message: string } {
  const e = errors[0] ?? {};
  let field = pointerToField(e.instancePath ?? '');
  const params = e.params ?? {};
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
    field = join(field, params.missingProperty);
    message = 'is required';
  } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    field = join(field, params.additionalProperty);
    message = 'is not a known field';
  } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.join(', ')}`;
  } else if (e.keyword === 'minProperties') {
    message = 'must set at least one field';
  } else if (e.keyword === 'maxItems') {
    message = `must have at most ${String(params.limit)} items`;
  } else if (e.keyword === 'minItems') {
    message = `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
  }
  if (field === '') field = context === 'body' || context === undefined ? 'body' : context;
  return { field, message };
}

export function errorBody(kind: ErrorBody['error']['kind'], message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { kind, message } : { kind, message, field } };
}

function send(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Every error of this scope (and those inside it) answers with the one body. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | DropsyncError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof DropsyncError) {
      const status = STATUS_BY_KIND[err.kind];
      if (err.kind === 'rate_limited') reply.header('retry-after', '1');
      return send(reply, status, errorBody(err.kind, stripField(err), err.field));
    }
    const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
    if (fe.validation) {
      const { field, message } = describeValidation(fe.validation, fe.validationContext);
      return send(reply, 400, errorBody('invalid', message, field));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 413, errorBody('invalid', 'request body is too large', 'body'));
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, 415, errorBody('invalid', 'unsupported content type', 'content-type'));
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return send(reply, 400, errorBody('invalid', 'must not be empty', 'body'));
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      return send(reply, 400, errorBody('invalid', 'is not valid JSON', 'body'));
    }
    // The database is away (restarting, failing over, unreachable): try again shortly.
    if (isDatabaseUnavailable(err)) {
      reply.header('retry-after', '1');
      return send(reply, 503, errorBody('unavailable', 'the database is unavailable; try again shortly'));
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status < 500) return send(reply, status, errorBody(status === 404 ? 'not_found' : 'invalid', err.message));
    request.log.error({ err }, 'request failed');
    return send(reply, 500, errorBody('internal', 'internal error'));
  });
}

/** The error mapping, and the JSON 404 for a path no route answers. */
export function installErrorHandling(app: FastifyInstance): void {
  installErrorHandler(app);
  app.setNotFoundHandler((request, reply) => send(reply, 404, errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));
}

/** DropsyncError prefixes its message with the field; the body carries the field separately. */
function stripField(err: DropsyncError): string {
  const prefix = err.field ? `${err.field}: ` : '';
  return prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
