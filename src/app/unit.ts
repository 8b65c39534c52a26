/**
 * What every command gets, and the one way a command writes: `transact` runs the command's body in one
 * transaction, in which it writes through `w.tx` and asks for the quantities its write changes to be
 * recomputed (`w.recompute`); the write and the new desired quantities commit together or not at all. Only
 * after the commit are the changes handed to the dispatcher and the live listeners (Engine.committed) and the
 * command's after-commit steps run (`w.afterCommit`, e.g. forgetting a store's cached connector).
 */
import type { Clock } from '../domain/types.ts';
import type { Engine } from '../engine/types.ts';
import { DesiredChanges } from '../engine/desired-changes.ts';
import { retryTx } from '../engine/retry.ts';
import type { CredentialSealer } from '../security/types.ts';
import type { ShopifyAppConfig } from '../connectors/shopify/app.ts';
import type { Db } from '../store/types.ts';

/**
 * The part of the engine the application uses: the in-transaction recompute, the engine's own write
 * operations (each one transaction already), and its two read models.
 */
export type AppEngine = Pick<
  Engine,
  | 'recomputeWithin' | 'committed' | 'ingestEvents' | 'submitOrder' | 'fulfilOrder' | 'cancelOrder' | 'createHold' | 'releaseHold'
  | 'receiveOrder' | 'receiveOrderCancelled' | 'receiveLevel' | 'recordDelivery' | 'invalidateStore' | 'getSku' | 'storeSync'
>;

export interface AppDeps {
  db: Db;
  engine: AppEngine;
  clock: Clock;
  /** Seals store credentials before they reach the database. */
  sealer: CredentialSealer;
  /** dropsync as a Shopify app (client id and secret, public URL); omitted: not configured. */
  shopifyApp?: ShopifyAppConfig;
}

/**
 * Who a command acts for: a supplier, and for a retailer token the one retailer it may act as (null for the
 * supplier's admin). Commands scope what they touch by it, so another retailer's data looks like it does not exist.
 */
export interface Actor {
  supplierId: string;
  retailerId: string | null;
}

/** A command's transaction. */
export interface Work {
  tx: Db;
  /** The clock's time when the command started, for the timestamps it writes. */
  at: Date;
  /** Recompute these SKUs ('all': every SKU of the supplier) in this transaction; an empty list does nothing. */
  recompute(skus: readonly string[] | 'all'): Promise<void>;
  /** Runs once the transaction has committed (never when it rolled back). */
  afterCommit(fn: () => void): void;
}

/**
 * Runs `fn` as one transaction of `supplierId` (retried whole after a deadlock or serialization failure,
 * which Postgres rolled back entirely), then hands the committed desired changes on and runs the after-commit
 * steps. A throw anywhere rolls everything back: no write, no desired row, no after-commit step.
 */
export async function transact<T>(
  deps: Pick<AppDeps, 'db' | 'clock'> & { engine: Pick<AppEngine, 'recomputeWithin' | 'committed'> }, supplierId: string, fn: (w: Work) => Promise<T>,
): Promise<T> {
  const { out, changes, after } = await retryTx(async () => {
    const changes = new DesiredChanges(supplierId);
    const after: (() => void)[] = [];
    const out = await deps.db.transaction((tx) => fn({
      tx,
      at: new Date(deps.clock.now()),
      recompute: async (skus) => {
        if (skus === 'all' || skus.length > 0) await deps.engine.recomputeWithin(tx, supplierId, skus, changes);
      },
      afterCommit: (step) => { after.push(step); },
    }));
    return { out, changes, after };
  });
  deps.engine.committed(changes);
  for (const step of after) step();
  return out;
}
