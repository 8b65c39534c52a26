/** Every GraphQL document the connector can send validates against Shopify's schema, and its predicted cost
 * is exactly what the emulator charges. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getOperationAST, Kind, parse, validate, type FragmentDefinitionNode } from 'graphql';
import { ALL_DOCUMENTS } from '../../src/connectors/shopify/documents.ts';
import { operationCost, shopifySchema } from '../../src/emulators/shopify/index.ts';

test('every connector document validates against the 2025-01 schema plus the 2026 delta', () => {
  const schema = shopifySchema();
  assert.ok(ALL_DOCUMENTS.length >= 10);
  for (const d of ALL_DOCUMENTS) {
    const errors = validate(schema, parse(d.query));
    assert.deepEqual(errors.map((e) => e.message), [], d.name);
  }
});

test('the validator is not a rubber stamp: a misspelt field and a removed-style argument are rejected', () => {
  const schema = shopifySchema();
  assert.ok(validate(schema, parse('{ inventoryItems(first: 1) { nodes { skew } } }')).length > 0);
  assert.ok(validate(schema, parse('mutation { orderCancel(orderId: "gid://shopify/Order/1", reason: INVENTORY, restock: true) { job { id } } }')).length > 0, 'refund is required in 2025-01');
  assert.ok(validate(schema, parse('mutation($k: String!) { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent(key: $k) @bogus { userErrors { code } } }')).length > 0);
});

test("the connector's cost formulas match the emulator's calculated cost", () => {
  const schema = shopifySchema();
  for (const d of ALL_DOCUMENTS) {
    const doc = parse(d.query);
    const op = getOperationAST(doc)!;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of doc.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    assert.equal(operationCost(schema, op, fragments, d.variables), d.cost, d.name);
    assert.ok(d.cost <= 1000, `${d.name} stays under the 1,000-point single-query limit`);
  }
});
