/**
 * The store's side of a connector's CredentialPort: credentials opened and sealed with the runtime's key, the
 * refresh claim held per process (this port's owner id), access lost recorded with an alert, webhook state saved.
 */
import { randomUUID } from 'node:crypto';
import type { CredentialPort } from '../connectors/types.ts';
import type { Clock } from '../domain/types.ts';
import type { CredentialSealer } from '../security/types.ts';
import { insertAlert } from './ops/alert-insert.ts';
import { markStoreAccess } from './ops/store-access-lost.ts';
import { readStoreCredentials } from './ops/store-credentials-read.ts';
import { saveRotatedCredentials } from './ops/store-credentials-rotate.ts';
import { claimStoreRefresh } from './ops/store-refresh-claim.ts';
import { releaseStoreRefresh } from './ops/store-refresh-release.ts';
import { saveWebhookState } from './ops/store-webhook-state.ts';
import type { Db } from './types.ts';

export function createCredentialPort(db: Db, sealer: CredentialSealer, clock: Clock, owner = `refresh:${randomUUID().slice(0, 12)}`): CredentialPort {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    async load(storeId) {
      const sealed = await readStoreCredentials(db, storeId);
      return sealed ? sealer.open(sealed) : {};
    },
    claim: (storeId, ms) => claimStoreRefresh(db, storeId, owner, iso(clock.now()), iso(clock.now() + ms)),
    save: (storeId, credentials) => saveRotatedCredentials(db, storeId, owner, sealer.seal(credentials)),
    release: (storeId) => releaseStoreRefresh(db, storeId, owner),
    async accessLost(storeId, reason) {
      const message = reason;
      await db.transaction(async (tx) => {
        const store = await markStoreAccess(tx, storeId, 'lost', message, false);
        if (store) await insertAlert(tx, { supplierId: store.supplierId, storeId, kind: 'store_access_lost', message }, iso(clock.now()));
      });
    },
    webhookState: (storeId, state) => saveWebhookState(db, storeId, state, iso(clock.now())),
  };
}
