import type { Firestore } from '@google-cloud/firestore';
import type { UserRegistry } from '@gpuaas/http-api';
import type { Ledger } from '@gpuaas/ledger';
import type { BillingContext } from '../billing/billing-context';

export interface RouteDeps {
  firestore: Firestore;
  ledger: Ledger;
  registry: UserRegistry;
  context: BillingContext;
}
