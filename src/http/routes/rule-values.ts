/**
 * API rule bodies <-> stored rule values. The API speaks `{ ownReserve, buffer, threshold, strategy }`; the
 * `rules` table holds one JSON value per kind in the shapes the engine reads (src/engine/types.ts):
 * own_reserve {units}|{percent}, buffer {percent}|{units}|{formula:true}|{table:true}, threshold {units},
 * strategy {strategy}. Values are checked with the domain validators so every error names its field.
 */
import { invalid } from '../../domain/errors.ts';
import { validateBufferRule, validateReserveRule, validateStrategy } from '../../domain/validate.ts';
import type { Rule, RuleKind } from '../../store/admin/types.ts';

export interface RuleBody {
  ownReserve?: unknown;
  buffer?: unknown;
  threshold?: unknown;
  strategy?: unknown;
}

export const RuleBodySchema = {
  type: 'object', additionalProperties: false, minProperties: 1,
  description: 'A field set to null removes that rule at this scope; a field left out is unchanged.',
  properties: {
    ownReserve: { type: 'object', nullable: true, description: 'Units kept for own channels: {"units": 200} or {"percent": 40}' },
    buffer: {
      type: 'object', nullable: true,
      description: 'Safety buffer: {"percent": 5}, {"units": 10}, {"formula": true} (measured velocity x sync delay, rounded up to 5%) or {"table": true} (seed table)',
    },
    threshold: { type: 'integer', minimum: 0, nullable: true, description: 'Deactivate the SKU everywhere when atp drops below this' },
    strategy: { type: 'string', enum: ['equal', 'proportional', 'priority', 'dynamic', 'hybrid'], nullable: true },
  },
} as const;

export const RulesViewSchema = {
  type: 'object',
  properties: {
    scope: { type: 'string' }, key: { type: 'string' },
    ownReserve: { type: 'object', nullable: true, additionalProperties: true },
    buffer: { type: 'object', nullable: true, additionalProperties: true },
    threshold: { type: 'integer', nullable: true },
    strategy: { type: 'string', nullable: true },
  },
} as const;

function validateBuffer(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    // formula/table take the measured velocity and sync delay, so the stored rule is just the choice.
    if (keys.length === 1 && (keys[0] === 'formula' || keys[0] === 'table')) {
      if (o[keys[0]] !== true) throw invalid(`buffer.${keys[0]}`, 'must be true (velocity and sync delay are measured)');
      return { [keys[0]]: true };
    }
  }
  return validateBufferRule(value, 'buffer');
}

/** Checks an API body and returns the stored value per kind (null = remove). */
export function toStoredRules(body: RuleBody): Partial<Record<RuleKind, unknown>> {
  const out: Partial<Record<RuleKind, unknown>> = {};
  if (body.ownReserve !== undefined) out.own_reserve = body.ownReserve === null ? null : validateReserveRule(body.ownReserve, 'ownReserve');
  if (body.buffer !== undefined) out.buffer = body.buffer === null ? null : validateBuffer(body.buffer);
  if (body.threshold !== undefined) {
    if (body.threshold !== null && (!Number.isInteger(body.threshold) || (body.threshold as number) < 0)) throw invalid('threshold', 'must be a whole number >= 0');
    out.threshold = body.threshold === null ? null : { units: body.threshold };
  }
  if (body.strategy !== undefined) out.strategy = body.strategy === null ? null : { strategy: validateStrategy(body.strategy, 'strategy') };
  return out;
}

/** Groups stored rules by scope into API views. */
export function toRuleViews(rules: Rule[]): { scope: string; key: string; ownReserve: unknown; buffer: unknown; threshold: number | null; strategy: string | null }[] {
  const views = new Map<string, { scope: string; key: string; ownReserve: unknown; buffer: unknown; threshold: number | null; strategy: string | null }>();
  for (const r of rules) {
    const k = `${r.scope}\u0000${r.scopeKey}`;
    let v = views.get(k);
    if (!v) views.set(k, (v = { scope: r.scope, key: r.scopeKey, ownReserve: null, buffer: null, threshold: null, strategy: null }));
    const value = r.value as Record<string, unknown> | number | string;
    if (r.kind === 'own_reserve') v.ownReserve = value;
    else if (r.kind === 'buffer') v.buffer = value;
    else if (r.kind === 'threshold') v.threshold = typeof value === 'object' ? Number(value.units) : Number(value);
    else v.strategy = typeof value === 'object' ? String(value.strategy) : String(value);
  }
  return [...views.values()];
}
