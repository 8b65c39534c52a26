/**
 * Rule values as the API speaks them, `{ ownReserve, buffer, threshold, strategy }`, to and from the `rules`
 * table, which holds one JSON value per kind in the shapes the engine reads (src/engine/types.ts):
 * own_reserve {units}|{percent}, buffer {percent}|{units}|{formula:true}|{table:true}, threshold {units},
 * strategy {strategy}. Values are checked with the domain validators so every error names its field.
 */
import { invalid } from '../domain/errors.ts';
import { validateBufferRule, validateReserveRule, validateStrategy } from '../domain/validate.ts';
import type { Rule, RuleKind, Scope } from '../store/admin/types.ts';

/** A field left out is unchanged; null removes that rule at the scope. */
export interface RuleBody {
  ownReserve?: unknown;
  buffer?: unknown;
  threshold?: unknown;
  strategy?: unknown;
}

type Json = Record<string, unknown>;
export interface RuleView { scope: Scope; key: string; ownReserve: Json | null; buffer: Json | null; threshold: number | null; strategy: string | null }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateBuffer(value: unknown): unknown {
  if (isRecord(value)) {
    const [only, ...more] = Object.keys(value);
    // formula/table take the measured velocity and sync delay, so the stored rule is just the choice.
    if (more.length === 0 && (only === 'formula' || only === 'table')) {
      if (value[only] !== true) throw invalid(`buffer.${only}`, 'must be true (velocity and sync delay are measured)');
      return { [only]: true };
    }
  }
  return validateBufferRule(value, 'buffer');
}

/** Checks an API body and returns the stored value per kind (null = remove). */
export function toStoredRules(body: RuleBody): Partial<Record<RuleKind, unknown>> {
  const out: Partial<Record<RuleKind, unknown>> = {};
  if (body.ownReserve !== undefined) out.own_reserve = body.ownReserve === null ? null : validateReserveRule(body.ownReserve, 'ownReserve');
  if (body.buffer !== undefined) out.buffer = body.buffer === null ? null : validateBuffer(body.buffer);
  const { threshold } = body;
  if (threshold !== undefined) {
    if (threshold !== null && (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 0)) throw invalid('threshold', 'must be a whole number >= 0');
    out.threshold = threshold === null ? null : { units: threshold };
  }
  if (body.strategy !== undefined) out.strategy = body.strategy === null ? null : { strategy: validateStrategy(body.strategy, 'strategy') };
  return out;
}

/** Groups stored rules by scope into API views. */
export function toRuleViews(rules: readonly Rule[]): RuleView[] {
  const views = new Map<string, RuleView>();
  for (const r of rules) {
    const k = `${r.scope}\u0000${r.scopeKey}`;
    let v = views.get(k);
    if (!v) views.set(k, (v = emptyRuleView(r.scope, r.scopeKey)));
    const value = r.value;
    if (r.kind === 'own_reserve') v.ownReserve = isRecord(value) ? value : null;
    else if (r.kind === 'buffer') v.buffer = isRecord(value) ? value : null;
    else if (r.kind === 'threshold') v.threshold = isRecord(value) ? Number(value.units) : Number(value);
    else v.strategy = isRecord(value) ? String(value.strategy) : String(value);
  }
  return [...views.values()];
}

export const emptyRuleView = (scope: Scope, key: string): RuleView => ({ scope, key, ownReserve: null, buffer: null, threshold: null, strategy: null });
