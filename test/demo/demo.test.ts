import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startDemo, type DemoHandle, type DemoStoreInfo } from '../../src/demo/index.ts';

/** Fails instead of hanging when something never happens. */
function within<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitFor(check: () => boolean | Promise<boolean>, seconds: number, what: string): Promise<void> {
  const poll = async (): Promise<void> => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 100));
  };
  await within(poll(), seconds, what);
}

test('demo: every store receives dropsync\'s numbers for every SKU it lists, then the demo stops cleanly', async () => {
  const lines: string[] = [];
  let demo: DemoHandle | undefined;
  try {
    demo = await startDemo({ port: 0, skus: 40, load: false, durationSeconds: 300, log: (l) => lines.push(l) });
    assert.equal(demo.stores.length, 4);
    assert.deepEqual(demo.stores.map((s) => s.platform), ['shopify', 'shopify', 'woocommerce', 'woocommerce']);
    assert.ok(demo.stores.some((s) => s.webhookLoss === 0.15));
    await within(demo.initialSync, 120, 'the initial sync');
    for (const store of demo.stores) assert.equal(store.unsynced(), 0, store.name);

    // The same, read over each emulator's HTTP control API: no listed SKU still shows its stale level (> 1000).
    for (const store of demo.stores) {
      const path = store.platform === 'shopify' ? '/_control/levels' : '/_control/stock';
      const rows = (await (await fetch(store.url + path)).json()) as { sku: string; available?: number; stockQuantity?: number | null }[];
      const levels = rows.filter((r) => r.sku.startsWith('DS-') && !r.sku.endsWith('-P')).map((r) => r.available ?? r.stockQuantity ?? 0);
      assert.equal(levels.length, store.listed, store.name);
      assert.ok(levels.every((q) => q >= 0 && q < 1000), `${store.name}: ${levels.join(',')}`);
    }

    // What each store shows (read through the emulators) is what dropsync says it should show.
    const headers = { authorization: `Bearer ${demo.adminKey}` };
    const skus = (await (await fetch(`${demo.url}/v1/skus?limit=100`, { headers })).json()) as { sku: string }[] | { items: { sku: string }[] };
    const list = Array.isArray(skus) ? skus : skus.items;
    assert.equal(list.length, 40);
    for (const { sku } of list.slice(0, 10)) {
      const view = (await (await fetch(`${demo.url}/v1/skus/${sku}`, { headers })).json()) as { stores: { storeId: string; shown: number }[] };
      for (const s of view.stores) {
        const store: DemoStoreInfo = demo.stores.find((x) => x.storeId === s.storeId)!;
        assert.equal(store.shows(sku), s.shown, `${store.name} ${sku}`);
      }
    }
    assert.ok(lines.some((l) => l.includes('Admin key:') && l.includes(demo!.adminKey)));
    assert.ok(lines.some((l) => l.includes(`Dashboard:  ${demo!.url}/`)));
  } finally {
    await demo?.stop();
  }
  assert.equal(existsSync(demo.dataDir), false, 'the temporary data directory is removed');
});

test('demo with load: own-channel sales reach dropsync through the API, shoppers buy on the stores and their orders reach dropsync', async () => {
  let demo: DemoHandle | undefined;
  try {
    demo = await startDemo({ port: 0, skus: 40, seed: 2, durationSeconds: 300, stockBatchesPerSecond: 20, shopperOrdersPerSecond: 20, log: () => {} });
    await within(demo.initialSync, 120, 'the initial sync');
    const d = demo;
    await waitFor(() => d.stats.stockEvents >= 20 && d.stats.shopperOrders + d.stats.shopperTurnedAway >= 20, 60, 'some load');
    assert.equal(demo.stats.errors, 0);
    const headers = { authorization: `Bearer ${demo.adminKey}` };
    // Shoppers' orders reach dropsync (by webhook, or by polling on the lossy host).
    await waitFor(async () => {
      const page = (await (await fetch(`${demo!.url}/v1/orders?limit=10`, { headers })).json()) as { items: unknown[] };
      return page.items.length > 0;
    }, 60, 'a shopper order recorded by dropsync');
  } finally {
    await demo?.stop();
  }
  await demo.done;
});
