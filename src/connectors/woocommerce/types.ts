/**
 * Terms (see also ../types.ts):
 * - externalId: `product:ID` for a simple product, `variation:PARENT:ID` for a variation.
 * - batch: one `products/batch` or `products/{parent}/variations/batch` call, at most 100 items.
 * - read-back: the quantity the store reports right after a write (from the batch answer, or a read); a
 *   different number means another writer got in between, so the item is reported with `actual` and pushed again.
 * - cursor: the newest `date_modified_gmt` seen when polling orders (ISO 8601, UTC).
 * - echo: the `order.updated` webhook WooCommerce sends after dropsync itself cancelled an order.
 */
import type { RemoteOrder } from '../types.ts';

export interface WooCredentials {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

export interface WooStoreParams extends WooCredentials {
  webhookSecret: string;
  /** Where WooCommerce should POST webhooks: dropsync's `/webhooks/woocommerce/{storeId}`. */
  webhookDeliveryUrl: string;
}

export interface WooListing {
  sku: string;
  externalId: string;
  /** Stock the store shows now (null when it does not manage stock for the item). */
  quantity: number | null;
}

export type WooProblem =
  | { sku: string; kind: 'missing' }
  | { sku: string; kind: 'duplicated'; externalIds: string[] }
  /** Only items whose SKU differs in case or surrounding whitespace exist: reported, never merged. */
  | { sku: string; kind: 'near_match'; candidates: Array<{ sku: string; externalId: string }> }
  /** The SKU belongs to a variable product; stock lives on its variations. */
  | { sku: string; kind: 'variable_parent'; externalId: string };

export interface WooWebhookState {
  id: number;
  topic: string;
  status: string;
}

export interface WooWebhookCheck {
  webhooks: WooWebhookState[];
  created: number[];
  reactivated: number[];
}

export interface WooConnectResult {
  listings: WooListing[];
  problems: WooProblem[];
  webhooks: WooWebhookCheck;
}

export type WooWebhookEvent =
  | { kind: 'ping'; webhookId: number }
  | {
      kind: 'order';
      topic: string;
      deliveryId: string | null;
      order: RemoteOrder;
      /** Any of these seen before means this delivery is a duplicate. */
      dedupeKeys: string[];
      /** True for the echo of a cancellation dropsync made itself (compensation). */
      ownCancellation: boolean;
    }
  | { kind: 'other'; topic: string };

/** Order meta key written when dropsync cancels an order, so the echo can be recognised in any process. */
export const DROPSYNC_CANCEL_META = 'dropsync_conflict_id';
