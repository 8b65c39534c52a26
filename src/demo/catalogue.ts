/**
 * The demo's seeded world: a catalogue of a few hundred SKUs (stock from slow movers to deep stock), hybrid
 * rules (own channels keep 40%, 200 of 500; deactivate below 3 units), and four retailers
 * with floors and ceilings (A 80/200, B 50/150, C 30/100, D 20/80), each on its own store.
 */
import { createRng } from '../sim/prng.ts';
import type { DemoSku, DemoStoreSpec } from './types.ts';

const CATEGORIES = ['kitchen', 'garden', 'lighting', 'textiles', 'tools', 'toys'];
const NOUNS = ['Mug', 'Planter', 'Lamp', 'Throw', 'Wrench', 'Puzzle', 'Bowl', 'Lantern', 'Cushion', 'Trowel', 'Kite', 'Vase'];
const ADJECTIVES = ['Oak', 'Linen', 'Copper', 'Stoneware', 'Walnut', 'Rattan', 'Slate', 'Amber', 'Indigo', 'Sage'];

export const DEMO_RULES = {
  strategy: 'hybrid',
  ownReserve: { percent: 40 },
  buffer: { percent: 5 },
  threshold: 3,
} as const;

export function demoCatalogue(count: number, seed: number): DemoSku[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    // Mostly shallow stock (where oversells happen), some deep.
    const stock = rng.next() < 0.7 ? rng.int(5, 60) : rng.int(100, 500);
    return {
      sku: `DS-${String(i + 1).padStart(4, '0')}`,
      name: `${ADJECTIVES[rng.int(0, ADJECTIVES.length - 1)]} ${NOUNS[rng.int(0, NOUNS.length - 1)]}`,
      category,
      stock,
    };
  });
}

/** Four stores: two Shopify, two WooCommerce; the second WooCommerce host loses 15% of webhooks. */
export function demoStores(catalogue: readonly DemoSku[], seed: number): DemoStoreSpec[] {
  const rng = createRng(seed).fork(99);
  const specs: Omit<DemoStoreSpec, 'skus'>[] = [
    { key: 'shop-a', platform: 'shopify', retailer: 'Retailer A (Shopify Plus)', name: 'Northwind Home', webhookLoss: 0, floor: 80, ceiling: 200 },
    { key: 'shop-b', platform: 'shopify', retailer: 'Retailer B (Shopify)', name: 'Bluebird Living', webhookLoss: 0, floor: 50, ceiling: 150 },
    { key: 'woo-c', platform: 'woocommerce', retailer: 'Retailer C (WooCommerce)', name: 'Cedar & Co', webhookLoss: 0, floor: 30, ceiling: 100 },
    { key: 'woo-d', platform: 'woocommerce', retailer: 'Retailer D (WooCommerce, budget host)', name: 'Dune Goods', webhookLoss: 0.15, floor: 20, ceiling: 80 },
  ];
  // Each retailer carries most, not all, of the catalogue.
  return specs.map((s) => ({ ...s, skus: catalogue.filter(() => rng.next() < 0.85).map((c) => c.sku) }));
}

/** What a store showed before dropsync: last week's CSV, which no pushed number can equal. */
export function staleLevel(sku: DemoSku): number {
  return sku.stock + 1000;
}
