/** Every GraphQL document the connector can send validates against Shopify's real 2026-10 and 2026-07 schemas and
 * uses nothing deprecated there, and its predicted cost is exactly what the emulator charges. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getOperationAST, Kind, NoDeprecatedCustomRule, parse, specifiedRules, validate, type FragmentDefinitionNode } from 'graphql';
import { ALL_DOCUMENTS, BULK_SOURCE_LEVELS_QUERY, bulkLevelsQuery } from '../../src/connectors/shopify/documents.ts';
import { operationCost, shopifySchema } from '../../src/emulators/shopify/index.ts';
import { SCHEMA_VERSIONS } from '../../src/emulators/shopify/schema.ts';

const RULES = [...specifiedRules, NoDeprecatedCustomRule];

for (const version of SCHEMA_VERSIONS) {
  test(`every connector document validates against ${version} with nothing deprecated`, () => {
    const schema = shopifySchema(version);
    assert.ok(ALL_DOCUMENTS.length >= 24);
    for (const d of ALL_DOCUMENTS) {
      const errors = validate(schema, parse(d.query), RULES);
      assert.deepEqual(errors.map((e) => e.message), [], `${d.name} (${version})`);
    }
    // The bulk query is a string inside a document: it is validated on its own.
    assert.deepEqual(validate(schema, parse(bulkLevelsQuery('gid://shopify/Location/1')), RULES).map((e) => e.message), [], `bulk inner query (${version})`);
    assert.deepEqual(validate(schema, parse(BULK_SOURCE_LEVELS_QUERY), RULES).map((e) => e.message), [], `bulk source levels query (${version})`);
  });
}

test('the sample variables of each document are valid input for it (the emulator coerces them)', async () => {
  const { getVariableValues } = await import('graphql');
  const schema = shopifySchema('2026-10');
  for (const d of ALL_DOCUMENTS) {
    const op = getOperationAST(parse(d.query))!;
    const out = getVariableValues(schema, op.variableDefinitions ?? [], d.variables);
    assert.equal('errors' in out && out.errors ? out.errors.map((e) => e.message).join('; ') : '', '', d.name);
  }
});

test('the validator is not a rubber stamp: misspelt fields, deprecated arguments and fields are rejected', () => {
  const schema = shopifySchema();
  assert.ok(validate(schema, parse('{ inventoryItems(first: 1) { nodes { skew } } }')).length > 0);
  const deprecated = [
    'mutation { orderCancel(orderId: "gid://shopify/Order/1", reason: INVENTORY, restock: true, refund: true) { job { id } } }',
    'mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: "https://x.example/h" }) { userErrors { message } } }',
    '{ currentBulkOperation { id } }',
    'mutation { discountCodeBasicCreate(basicCodeDiscount: { title: "t", code: "c", customerSelection: { all: true }, customerGets: { value: { percentage: 0.1 }, items: { all: true } } }) { userErrors { message } } }',
  ];
  for (const doc of deprecated) {
    assert.equal(validate(schema, parse(doc)).length, 0, `valid but deprecated: ${doc.slice(0, 50)}`);
    assert.ok(validate(schema, parse(doc), RULES).length > 0, `NoDeprecatedCustomRule catches ${doc.slice(0, 50)}`);
  }
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
