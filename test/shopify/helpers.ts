/** Shared test helpers: a manual clock and a small GraphQL caller for the emulator. */
import type { Clock } from '../../src/domain/types.ts';
import type { ShopifyEmulator } from '../../src/emulators/shopify/index.ts';

export class ManualClock implements Clock {
  constructor(public t = Date.parse('2026-11-26T12:00:00Z')) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  /** A sleep that moves this clock instead of waiting. */
  sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}

export interface GqlAnswer {
  data?: any;
  errors?: { message: string; extensions?: Record<string, any> }[];
  extensions: { cost: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
}

export async function gql(emu: ShopifyEmulator, query: string, variables: Record<string, unknown> = {}, version = '2026-10'): Promise<GqlAnswer> {
  const res = await fetch(`${emu.url}/admin/api/${version}/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': emu.accessToken },
    body: JSON.stringify({ query, variables }),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as GqlAnswer;
}

export const SET = `mutation S($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange item { id } } }
    userErrors { code field message }
  }
}`;

export function itemGid(emu: ShopifyEmulator, sku: string): string {
  const row = emu.control.levels(sku)[0];
  if (!row) throw new Error(`no ${sku}`);
  return row.inventoryItemId;
}

/** A local webhook receiver: every delivery's topic, headers and parsed JSON body, answered 200. */
export async function webhookReceiver(): Promise<{ url: string; got: { topic: string; body: any; raw: Buffer; headers: Record<string, unknown> }[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const got: { topic: string; body: any; raw: Buffer; headers: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      got.push({ topic: String(req.headers['x-shopify-topic']), body: JSON.parse(raw.toString('utf8')), raw, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise((r) => server.close(() => r())) };
}

/** Subscribes `uri` to each topic (GraphQL enum form, e.g. FULFILLMENTS_CREATE); needs the allowHttpCallbacks knob for http. */
export async function subscribe(emu: ShopifyEmulator, topics: string[], uri: string): Promise<void> {
  const doc = `mutation($topic: WebhookSubscriptionTopic!, $uri: String!) { webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) { userErrors { message } } }`;
  for (const topic of topics) {
    const r = await gql(emu, doc, { topic, uri });
    if (r.errors?.length || r.data.webhookSubscriptionCreate.userErrors.length) throw new Error(`subscribe ${topic}: ${JSON.stringify(r.errors ?? r.data)}`);
  }
}
