/**
 * The one error type of dropsync. Every layer throws this; `src/http` maps `kind` to a status in one place
 * and the CLI maps it to exit code 2 with one line on stderr.
 */
/**
 * invalid: bad input (naming the field); not_found; conflict: the request contradicts the current state;
 * unauthorized: no or an unknown key or session; forbidden: a known caller asking for what it may not do;
 * rate_limited; upstream: a store's platform refused or could not be reached; unavailable: this server
 * cannot answer it now (e.g. the dashboard bundle is not built).
 */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unauthorized' | 'forbidden' | 'rate_limited' | 'upstream' | 'unavailable';

export class DropsyncError extends Error {
  readonly kind: ErrorKind;
  /** The input field at fault, e.g. `retailers[2].floor`, when there is one. */
  readonly field: string | undefined;

  constructor(kind: ErrorKind, message: string, field?: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'DropsyncError';
    this.kind = kind;
    this.field = field;
  }
}

/** Shorthand for the most common case: bad input naming its field. */
export function invalid(field: string, message: string): DropsyncError {
  return new DropsyncError('invalid', message, field);
}
