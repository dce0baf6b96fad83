import type { Producer } from '@gpuaas/eventing';
import type { Ledger } from '@gpuaas/ledger';
import type { Logger } from 'pino';
import type { PaymentsStore } from '../store/payments-store';

/** What the webhook and the operator routes work with. */
export interface PaymentsContext {
  store: PaymentsStore;
  ledger: Ledger;
  producer: Producer;
  /** Whether users exist (the shared registry). */
  users: { exists(userId: string): Promise<boolean> };
  /** The Stripe mode this deployment accepts (`STRIPE_LIVEMODE`). */
  livemode: boolean;
  /** The currencies the platform bills (`BILLING_CURRENCIES`, as the billing worker reads it). */
  currencies: readonly string[];
  now: () => Date;
  logger: Logger;
}
