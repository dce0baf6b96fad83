import type { Firestore } from '@google-cloud/firestore';
import { createLedger, type Ledger } from '@gpuaas/ledger';

const ledgers = new WeakMap<Firestore, Map<string, Ledger>>();

/** The shared ledger on this client (one per collection prefix), built once. */
export function ledgerFor(firestore: Firestore, collectionPrefix: string): Ledger {
  let byPrefix = ledgers.get(firestore);
  if (!byPrefix) {
    byPrefix = new Map();
    ledgers.set(firestore, byPrefix);
  }
  let ledger = byPrefix.get(collectionPrefix);
  if (!ledger) {
    ledger = createLedger({ firestore, collectionPrefix });
    byPrefix.set(collectionPrefix, ledger);
  }
  return ledger;
}
