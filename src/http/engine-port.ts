/**
 * The slice of the engine the HTTP layer calls. Typed from src/engine/types.ts so a change there shows up here
 * as a type error rather than a runtime surprise; tests may pass a fake that implements only this.
 */
import type { Engine } from '../engine/types.ts';

export type HttpEngine = Pick<
  Engine,
  | 'ingestEvents'
  | 'submitOrder'
  | 'fulfilOrder'
  | 'cancelOrder'
  | 'createHold'
  | 'releaseHold'
  | 'recompute'
  | 'getSku'
  | 'storeSync'
  | 'receiveOrder'
  | 'receiveOrderCancelled'
  | 'receiveLevel'
  | 'recordDelivery'
  | 'invalidateStore'
>;
