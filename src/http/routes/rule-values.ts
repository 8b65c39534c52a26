/** JSON schemas of rule bodies and views (the mapping to stored values is src/app/rule-values.ts). */

export const RuleBodySchema = {
  type: 'object', additionalProperties: false, minProperties: 1,
  description: 'A field set to null removes that rule at this scope; a field left out is unchanged.',
  properties: {
    ownReserve: { type: 'object', nullable: true, description: 'Units kept for own channels: {"units": 200} or {"percent": 40}' },
    buffer: {
      type: 'object', nullable: true,
      description: 'Safety buffer: {"percent": 5}, {"units": 10}, {"formula": true} (measured velocity x sync delay / stock, rounded up to the next 5%) or {"table": true} (by velocity class and sync delay class)',
    },
    threshold: { type: 'integer', minimum: 0, nullable: true, description: 'Deactivate the SKU everywhere when atp drops below this' },
    strategy: { type: 'string', enum: ['equal', 'proportional', 'priority', 'dynamic', 'hybrid'], nullable: true },
  },
} as const;

export const RulesViewSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    scope: { type: 'string' }, key: { type: 'string' },
    ownReserve: { type: 'object', nullable: true, additionalProperties: true },
    buffer: { type: 'object', nullable: true, additionalProperties: true },
    threshold: { type: 'integer', nullable: true },
    strategy: { type: 'string', nullable: true },
  },
} as const;
