import type { BillingSettings } from '../config';

/** What the subscriptions, the task and the routes share. */
export interface BillingContext {
  settings: BillingSettings;
  now: () => Date;
}
