/** Consumers as they appear in subscription and dead-letter topic names (kebab-case). */
export const CONSUMERS = [
  'provisioning-worker',
  'billing-worker',
  'notification-relay',
  'api-read-model',
  'billing-read-model',
  'ops',
] as const satisfies readonly string[];
export type ConsumerName = (typeof CONSUMERS)[number];

export const PRODUCERS = [
  'orchestrator',
  'provisioning-worker',
  'billing-worker',
  'payments',
  'metered-product',
] as const satisfies readonly string[];
export type ProducerName = (typeof PRODUCERS)[number];
