/**
 * The demo's retailer stores: in-process Shopify and WooCommerce emulators listening on 127.0.0.1, each seeded
 * with the SKUs its retailer carries at their stale level. WooCommerce stores carry some SKUs as variations of
 * variable products, as real shops do.
 */
import { startShopifyEmulator, type ShopifyEmulator } from '../emulators/shopify/index.ts';
import { startWooEmulator, type WooEmulator } from '../emulators/woocommerce/index.ts';
import { staleLevel } from './catalogue.ts';
import type { DemoSku, DemoStoreSpec } from './types.ts';

export type RunningStore =
  | { spec: DemoStoreSpec; platform: 'shopify'; emulator: ShopifyEmulator }
  | { spec: DemoStoreSpec; platform: 'woocommerce'; emulator: WooEmulator };

/** What the store shows for a SKU right now, undefined when it does not carry it. */
export function shows(store: RunningStore, sku: string): number | undefined {
  return store.platform === 'shopify' ? store.emulator.control.available(sku) : store.emulator.control.stockOf(sku);
}

/** A shopper buys; false when the store refuses (it shows too few units). */
export function buy(store: RunningStore, sku: string, quantity: number, email: string): boolean {
  try {
    // Two branches because the two control surfaces are different types with the same call.
    if (store.platform === 'shopify') store.emulator.control.placeOrder({ lines: [{ sku, quantity }], email });
    else store.emulator.control.placeOrder({ lines: [{ sku, quantity }], email });
    return true;
  } catch {
    return false;
  }
}

export async function startStores(specs: readonly DemoStoreSpec[], catalogue: readonly DemoSku[], seed: number): Promise<RunningStore[]> {
  const bySku = new Map(catalogue.map((c) => [c.sku, c]));
  const started: RunningStore[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const items = spec.skus.map((s) => bySku.get(s)!);
      if (spec.platform === 'shopify') {
        const emulator = await startShopifyEmulator({
          port: 0,
          shopDomain: `${spec.key}.myshopify.com`,
          plan: i === 0 ? 'plus' : 'standard',
          webhookLoss: spec.webhookLoss,
          catalog: items.map((c) => ({ sku: c.sku, available: staleLevel(c), title: c.name })),
          seed: seed + i,
          // The demo's dropsync listens on http://127.0.0.1; Shopify itself only delivers to https.
          allowHttpCallbacks: true,
        });
        started.push({ spec, platform: 'shopify', emulator });
      } else {
        const emulator = await startWooEmulator({ port: 0, skus: 0, seed: seed + i, knobs: { webhookLoss: spec.webhookLoss } });
        // Textiles come in sizes: variations of one variable product per three SKUs.
        const simple = items.filter((c) => c.category !== 'textiles');
        const sized = items.filter((c) => c.category === 'textiles');
        for (const c of simple) emulator.control.addProduct({ sku: c.sku, name: c.name, manageStock: true, stockQuantity: staleLevel(c) });
        for (let k = 0; k < sized.length; k += 3) {
          const group = sized.slice(k, k + 3);
          emulator.control.addProduct({
            sku: `${group[0]!.sku}-P`,
            name: `${group[0]!.name} (sizes)`,
            manageStock: false,
            variations: group.map((c) => ({ sku: c.sku, manageStock: true, stockQuantity: staleLevel(c) })),
          });
        }
        started.push({ spec, platform: 'woocommerce', emulator });
      }
    }
    return started;
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.emulator.close()));
    throw err;
  }
}
