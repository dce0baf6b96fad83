import type { Firestore } from '@google-cloud/firestore';
import { createLedger, type Ledger } from '@gpuaas/ledger';
import type { BalanceOf } from './user-block';

const ledgers = new WeakMap<Firestore, Ledger>();

/** The user's spendable balance from the ledger (`customer_credit:<user>`), read off any transaction. */
export function ledgerBalanceOf(firestore: Firestore): BalanceOf {
  let ledger = ledgers.get(firestore);
  if (!ledger) {
    ledger = createLedger({ firestore });
    ledgers.set(firestore, ledger);
  }
  const bound = ledger;
  return (userId, currency) => bound.userBalance(userId, currency);
}
