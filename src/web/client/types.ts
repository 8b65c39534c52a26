/** Shapes of the dashboard endpoints (src/web/server), as the pages use them. */

export interface StoreView {
  id: string; name: string; platform: string; retailerId: string; retailerName: string; paused: boolean; health: string;
  lastPushAt: string | null; lastError: string | null; queueDepth: number; listings: number;
  lagP50Ms: number | null; lagP99Ms: number | null; lagSamples: number; delayMs: number | null;
  syncLevel: 1 | 2 | 3 | 4 | null; syncLevelName: string | null; webhookDeliveryRate: number | null;
}

export interface Overview {
  at: string;
  stores: StoreView[];
  lagSeries: { store_id: string; minute: string; p50: number; max: number }[];
  oversells: { month: string; count: number; units: number; cost: number };
  phantom: { exposureUnits: number; avgVelocity: number; worstDelayMs: number; sharedSkus: number } | null;
  skus: { total: number; listed: number } | null;
}

export interface Quantities {
  onHand: number; committed: number; held: number; atp: number; ownReserve: number; afterReserve: number;
  buffer: number; bufferPercent?: number; pool: number; deactivated: boolean; deactivatedReason?: string;
  shown: Record<string, number>; overlap: number; strategy: string; threshold: number;
  rulesApplied: Record<string, { scope: string; value: unknown }>;
}

export interface SkuListItem extends Quantities {
  sku: string; name: string | null; category: string | null; listed: boolean; velocity: number;
  stores: { storeId: string; storeName: string; retailerId: string; desired: number; confirmed: number | null }[];
}

export interface LedgerLine {
  id: string; at: string; kind: string; location_id: string | null; ref: string | null;
  delta_on_hand: number; delta_committed: number; delta_held: number;
  on_hand: number; committed: number; held: number; atp: number; detail: unknown;
}

export interface SkuPage extends Quantities {
  sku: string; name: string | null; category: string | null; listed: boolean; velocity: number; delaySeconds: number;
  advice: {
    velocityClass: string; syncClass: string; formulaPercent: number; roundedPercent: number; bufferUnits: number; shown: number;
    tablePercent: number | null; tableBufferUnits: number | null; tableShown: number | null;
  };
  stores: { sku: string; store_id: string; store_name: string; retailer_id: string; desired: number; confirmed: number | null; confirmed_at: string | null; last_error: string | null }[];
  ledger: LedgerLine[];
  drift: { store_id: string; expected: number | null; actual: number; source: string; at: string }[];
}

export interface RuleRow { scope: 'global' | 'category' | 'sku'; scope_key: string; kind: string; value: unknown; updated_at: string }
export interface RetailerRuleRow { retailer_id: string; scope: string; scope_key: string; floor: number | null; ceiling: number | null; tier: number | null; excluded: boolean | null }
export interface Retailer { id: string; name: string; conflict_action: string; discount_value: string; oversell_cost: string }

export interface RulesPage { rules: RuleRow[]; retailerRules: RetailerRuleRow[]; retailers: Retailer[]; categories: string[] }

export interface Preview {
  retailers: { id: string; name: string }[];
  skus: { sku: string; category: string | null; before: Quantities; after: Quantities }[];
}

export interface Conflict {
  id: string; order_id: string; store_id: string | null; store_name: string | null; retailer_id: string | null; retailer_name: string | null;
  sku: string; short: number; cost: string; action: string; status: string; detail: string | null; code: string | null;
  created_at: string; resolved_at: string | null; order_name: string | null; platform_order_id: string; email: string | null; order_status: string;
}

export interface ConflictOrder {
  id: string; name: string | null; platform_order_id: string; store_name: string | null; retailer_name: string | null;
  status: string; committed_at: string; source: string; quantity: number; accepted: number; short: number; losing: boolean;
}

export interface MappingProblem { store_id: string | null; kind: string; sku: string; detail: string }

export interface Allocation {
  store_id: string; store_name: string; platform: string; sku: string; name: string | null; desired: number; confirmed: number | null; confirmed_at: string | null;
}
