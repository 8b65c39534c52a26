/**
 * Validation of untrusted allocation input (CLI stdin, HTTP bodies). Every failure is a DropsyncError of kind
 * `invalid` naming the field, e.g. `retailers[1].floor: must not exceed ceiling (200)`. `null` counts as absent.
 */
import { parseDuration } from './duration.ts';
import { invalid } from './errors.ts';
import { STRATEGIES } from './types.ts';
import type { BufferRule, ReserveRule, RetailerAllocationInput, SkuAllocationInput, Strategy } from './types.ts';

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '...' : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function object(value: unknown, field: string, allowed: readonly string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field || 'input', `must be an object, got ${describe(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(field ? `${field}.${key}` : key, `unknown field (expected one of ${allowed.join(', ')})`);
  }
  return value as Obj;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** A whole number >= min. */
export function integer(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(field, `must be a whole number, got ${describe(value)}`);
  if (value < min) throw invalid(field, min === 0 ? `must not be negative, got ${value}` : `must be >= ${min}, got ${value}`);
  return value;
}

/** A finite number in [min, max]. */
export function number(value: unknown, field: string, min = 0, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, `must be a number, got ${describe(value)}`);
  if (value < min) throw invalid(field, min === 0 ? `must not be negative, got ${value}` : `must be >= ${min}, got ${value}`);
  if (value > max) throw invalid(field, `must be <= ${max}, got ${value}`);
  return value;
}

function onlyOne(o: Obj, field: string, kinds: readonly string[]): string {
  const given = kinds.filter((k) => present(o[k]));
  if (given.length !== 1) throw invalid(field, `must have exactly one of ${kinds.join(', ')}`);
  return given[0]!;
}

export function validateStrategy(value: unknown, field = 'strategy'): Strategy {
  if (!present(value)) return 'hybrid';
  if (typeof value !== 'string' || !(STRATEGIES as readonly string[]).includes(value)) {
    throw invalid(field, `unknown strategy ${describe(value)} (expected one of ${STRATEGIES.join(', ')})`);
  }
  return value as Strategy;
}

export function validateReserveRule(value: unknown, field = 'ownReserve'): ReserveRule {
  const o = object(value, field, ['units', 'percent']);
  const kind = onlyOne(o, field, ['units', 'percent']);
  return kind === 'units' ? { units: integer(o.units, `${field}.units`) } : { percent: number(o.percent, `${field}.percent`, 0, 100) };
}

/** Velocity and delay of a formula or table buffer; the delay as a duration ("4h") or seconds. */
function velocityAndDelay(value: unknown, field: string): { velocity: number; syncDelaySeconds: number } {
  const o = object(value, field, ['velocity', 'syncDelay', 'syncDelaySeconds']);
  const velocity = number(o.velocity, `${field}.velocity`);
  if (present(o.syncDelay) && present(o.syncDelaySeconds)) throw invalid(field, 'give syncDelay or syncDelaySeconds, not both');
  let syncDelaySeconds: number;
  if (present(o.syncDelay)) syncDelaySeconds = parseDuration(o.syncDelay, `${field}.syncDelay`);
  else if (present(o.syncDelaySeconds)) syncDelaySeconds = number(o.syncDelaySeconds, `${field}.syncDelaySeconds`);
  else throw invalid(`${field}.syncDelay`, 'is required (a duration such as 4h)');
  return { velocity, syncDelaySeconds };
}

export function validateBufferRule(value: unknown, field = 'buffer'): BufferRule {
  const kinds = ['percent', 'units', 'formula', 'table'] as const;
  const o = object(value, field, kinds);
  switch (onlyOne(o, field, kinds)) {
    case 'percent':
      return { percent: number(o.percent, `${field}.percent`, 0, 100) };
    case 'units':
      return { units: integer(o.units, `${field}.units`) };
    case 'formula':
      return { formula: velocityAndDelay(o.formula, `${field}.formula`) };
    default:
      return { table: velocityAndDelay(o.table, `${field}.table`) };
  }
}

const RETAILER_FIELDS = ['id', 'floor', 'ceiling', 'tier', 'velocity', 'historyDays', 'excluded'] as const;

export function validateRetailer(value: unknown, field: string): RetailerAllocationInput {
  const o = object(value, field, RETAILER_FIELDS);
  if (typeof o.id !== 'string' || o.id.trim() === '') throw invalid(`${field}.id`, 'must be a non-empty string');
  if (o.id !== o.id.trim()) throw invalid(`${field}.id`, `must not start or end with whitespace: "${o.id}"`);
  if (o.id === '__proto__') throw invalid(`${field}.id`, 'is reserved');
  const r: RetailerAllocationInput = { id: o.id };
  if (present(o.floor)) r.floor = integer(o.floor, `${field}.floor`);
  if (present(o.ceiling)) r.ceiling = integer(o.ceiling, `${field}.ceiling`);
  if (r.floor !== undefined && r.ceiling !== undefined && r.floor > r.ceiling) {
    throw invalid(`${field}.floor`, `must not exceed ceiling (${r.ceiling})`);
  }
  if (present(o.tier)) r.tier = integer(o.tier, `${field}.tier`, 1);
  if (present(o.velocity)) r.velocity = number(o.velocity, `${field}.velocity`);
  if (present(o.historyDays)) r.historyDays = number(o.historyDays, `${field}.historyDays`);
  if (present(o.excluded)) {
    if (typeof o.excluded !== 'boolean') throw invalid(`${field}.excluded`, `must be true or false, got ${describe(o.excluded)}`);
    r.excluded = o.excluded;
  }
  return r;
}

export function validateRetailers(value: unknown, field = 'retailers'): RetailerAllocationInput[] {
  if (!Array.isArray(value)) throw invalid(field, `must be an array, got ${describe(value)}`);
  const seen = new Set<string>();
  return value.map((item, i) => {
    const r = validateRetailer(item, `${field}[${i}]`);
    if (seen.has(r.id)) throw invalid(`${field}[${i}].id`, `duplicate retailer id "${r.id}"`);
    seen.add(r.id);
    return r;
  });
}

const INPUT_FIELDS = ['onHand', 'committed', 'held', 'ownReserve', 'buffer', 'deactivationThreshold', 'strategy', 'retailers'] as const;

/** Checks untrusted input and returns it typed; `strategy` defaults to `hybrid`. Unknown fields are rejected. */
export function validateAllocationInput(value: unknown): SkuAllocationInput {
  const o = object(value, '', INPUT_FIELDS);
  if (!present(o.onHand)) throw invalid('onHand', 'is required');
  if (!present(o.retailers)) throw invalid('retailers', 'is required (an array of retailers)');
  const input: SkuAllocationInput = {
    onHand: integer(o.onHand, 'onHand'),
    strategy: validateStrategy(o.strategy),
    retailers: validateRetailers(o.retailers),
  };
  if (present(o.committed)) input.committed = integer(o.committed, 'committed');
  if (present(o.held)) input.held = integer(o.held, 'held');
  if (present(o.ownReserve)) input.ownReserve = validateReserveRule(o.ownReserve);
  if (present(o.buffer)) input.buffer = validateBufferRule(o.buffer);
  if (present(o.deactivationThreshold)) input.deactivationThreshold = integer(o.deactivationThreshold, 'deactivationThreshold');
  return input;
}
