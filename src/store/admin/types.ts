/**
 * Terms: the supplier's configuration as the API and CLI edit it.
 * - supplier: the tenant; every row carries supplier_id.
 * - api key: admin key (`dsk_`) or retailer token (`dsr_`), stored as a SHA-256 hash only.
 * - location: a stock location, `shared` with retailers or not (only shared ones count toward onHand).
 * - rule: own_reserve | buffer | threshold | strategy at scope global (key ''), category (key = category) or sku.
 * - retailer rule: per-retailer floor / ceiling / tier / excluded at the same scopes.
 * - store: a retailer's shop on a platform; credentials are sealed (AES-256-GCM) before they reach the database.
 * - listing: a SKU mapped to one item (externalId) of one store.
 * Rows are returned in API shape (camelCase, ISO timestamps).
 */
import type { BufferRule, ReserveRule, Strategy } from '../../domain/types.ts';
import type { Platform } from '../../connectors/types.ts';

export type Scope = 'global' | 'category' | 'sku';
export type RuleKind = 'own_reserve' | 'buffer' | 'threshold' | 'strategy';
export type ConflictAction = 'cancel' | 'backorder' | 'notify';

export interface Supplier { id: string; name: string; createdAt: string }

export interface ApiKeyRow {
  id: string;
  supplierId: string;
  kind: 'admin' | 'retailer';
  retailerId: string | null;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/** Who is calling, resolved from a bearer key. */
export interface Principal {
  keyId: string;
  supplierId: string;
  kind: 'admin' | 'retailer';
  retailerId: string | null;
}

export interface Location { id: string; name: string; shared: boolean }

export interface SkuRow {
  sku: string;
  name: string | null;
  category: string | null;
  listed: boolean;
  onHand: number;
  committed: number;
  held: number;
  velocity: number;
  createdAt: string;
  updatedAt: string;
}

export interface SkuInput { sku: string; name?: string | null; category?: string | null; listed?: boolean }

/** A rule's value by kind; threshold is units of atp below which the SKU is deactivated. */
export type RuleValue =
  | { kind: 'own_reserve'; value: ReserveRule }
  | { kind: 'buffer'; value: BufferRule }
  | { kind: 'threshold'; value: number }
  | { kind: 'strategy'; value: Strategy };

export interface Rule { scope: Scope; scopeKey: string; kind: RuleKind; value: unknown; updatedAt: string }

export interface Retailer {
  id: string;
  name: string;
  conflictAction: ConflictAction;
  discountValue: number;
  oversellCost: number;
  createdAt: string;
}

export interface RetailerInput {
  name: string;
  conflictAction?: ConflictAction;
  discountValue?: number;
  oversellCost?: number;
}

export interface RetailerRule {
  retailerId: string;
  scope: Scope;
  scopeKey: string;
  floor: number | null;
  ceiling: number | null;
  tier: number | null;
  excluded: boolean | null;
}

export interface Store {
  id: string;
  retailerId: string;
  platform: Platform;
  name: string;
  config: Record<string, unknown>;
  /** Whether sealed credentials are stored; the credentials themselves never leave the database layer. */
  hasCredentials: boolean;
  paused: boolean;
  health: string;
  lastPushAt: string | null;
  lastError: string | null;
  createdAt: string;
  /** ok, lost (a token refresh was refused: install again) or uninstalled. */
  access: 'ok' | 'lost' | 'uninstalled';
  accessReason: string | null;
  /** Per-topic state of the store's webhook subscriptions as last checked (Shopify), or null. */
  webhooks: { topic: string; status: string; error?: string }[] | null;
  webhooksCheckedAt: string | null;
}

export interface StoreInput {
  retailerId: string;
  platform: Platform;
  name: string;
  config?: Record<string, unknown>;
  /** Already sealed by the caller (src/security); this layer never sees plaintext. */
  sealedCredentials?: string | null;
}

export interface Listing {
  id: string;
  storeId: string;
  sku: string;
  externalId: string;
  externalLocationId: string | null;
  createdAt: string;
}

export interface ListingInput { storeId: string; sku: string; externalId: string; externalLocationId?: string | null }
