import type { Firestore } from '@google-cloud/firestore';
import { createApi, createUserRegistry, type VerifyOperator } from '@gpuaas/http-api';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { BillingContext } from '../billing/billing-context';
import { ledgerFor } from '../store/ledger';
import { getBalance } from './get-balance';
import { getLedgerTransaction } from './get-ledger-transaction';
import { ledgerCheck } from './ledger-check';
import { listLedger } from './list-ledger';
import { listUsage } from './list-usage';

export interface BillingApiOptions {
  firestore: Firestore;
  context: BillingContext;
  operators: VerifyOperator;
  logger: Logger;
}

/** The billing read API: users with their API keys see their own; operators anyone's. */
export function billingApi(options: BillingApiOptions): Hono {
  const { firestore, context } = options;
  const registry = createUserRegistry(firestore);
  const deps = {
    firestore,
    context,
    registry,
    ledger: ledgerFor(firestore, context.settings.ledgerCollectionPrefix),
  };
  return createApi({
    title: 'Billing API',
    version: '1.0.0',
    description: 'Balances, the ledger of your credit account and your rated usage.',
    routes: [
      getBalance(deps),
      listLedger(deps),
      getLedgerTransaction(deps),
      listUsage(deps),
      ledgerCheck(deps),
    ],
    principals: { users: registry, operators: options.operators },
    logger: options.logger,
  });
}
