/**
 * Whether an error means the database is away (a terminated backend, a server restarting or unreachable, a
 * broken or timed-out connection) rather than a bad statement: the API answers those 503, and retrying later
 * helps. SQLSTATE classes 08 (connection exception) and 57P (operator intervention), node's socket errors, and
 * the `pg` client's own messages for a lost connection.
 */
const SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
const MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /not queryable/i, /connection.*(closed|ended)/i];

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = String((err as { code?: unknown }).code ?? '');
  if (code.startsWith('08') || code.startsWith('57P') || SOCKET.has(code)) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return MESSAGES.some((m) => m.test(message));
}
