import type { Static, TSchema } from '@sinclair/typebox';
import { defineEvent } from './catalog-entry';
import {
  BillingAutoReleasePendingV1,
  BillingBalanceDepletedV1,
  BillingLowBalanceWarningV1,
  BillingUsageMeteredV1,
  PaymentsBalanceCreditedV1,
  PaymentsReconcileFailedV1,
  ProvisioningActiveV1,
  ProvisioningActiveV1_1,
  ProvisioningFailedV1,
  ProvisioningForceReleaseRequestedV1,
  ProvisioningReleaseFailedV1,
  ProvisioningReleasingCompletedV1,
  ProvisioningReleasingRequestedV1,
  ProvisioningRequestedV1,
} from './payloads/index';

/** EVENTS.md "Event Catalog", row by row and in table order. */
export const catalog = {
  'gpuaas.provisioning.requested': defineEvent({
    eventType: 'gpuaas.provisioning.requested',
    producer: 'orchestrator',
    producerLabel: 'Orchestrator',
    consumers: ['provisioning-worker'],
    consumerLabels: ['Provisioning Worker'],
    idempotencyKey: ['allocation_id'],
    notes: 'starts provisioning workflow',
    versions: { '1.0': ProvisioningRequestedV1 },
    latest: '1.0',
  }),
  'gpuaas.provisioning.active': defineEvent({
    eventType: 'gpuaas.provisioning.active',
    producer: 'provisioning-worker',
    producerLabel: 'Provisioning Worker',
    consumers: ['billing-worker', 'notification-relay'],
    consumerLabels: ['Billing', 'Notification Relay'],
    idempotencyKey: ['allocation_id', 'started_at'],
    notes: 'allocation usable',
    versions: { '1.0': ProvisioningActiveV1, '1.1': ProvisioningActiveV1_1 },
    latest: '1.1',
  }),
  'gpuaas.provisioning.failed': defineEvent({
    eventType: 'gpuaas.provisioning.failed',
    producer: 'provisioning-worker',
    producerLabel: 'Provisioning Worker',
    consumers: ['api-read-model', 'notification-relay'],
    consumerLabels: ['API read model', 'Notification Relay'],
    idempotencyKey: ['allocation_id', 'reason_hash'],
    notes: 'terminal failure state',
    versions: { '1.0': ProvisioningFailedV1 },
    latest: '1.0',
  }),
  'gpuaas.provisioning.force_release_requested': defineEvent({
    eventType: 'gpuaas.provisioning.force_release_requested',
    producer: 'billing-worker',
    producerLabel: 'Billing Worker',
    consumers: ['provisioning-worker'],
    consumerLabels: ['Provisioning Worker'],
    idempotencyKey: ['user_id', 'window_id'],
    notes: 'release due to policy (balance depleted)',
    versions: { '1.0': ProvisioningForceReleaseRequestedV1 },
    latest: '1.0',
  }),
  'gpuaas.provisioning.releasing.requested': defineEvent({
    eventType: 'gpuaas.provisioning.releasing.requested',
    producer: 'orchestrator',
    producerLabel: 'Provisioning Orchestrator',
    consumers: ['provisioning-worker'],
    consumerLabels: ['Provisioning Worker'],
    idempotencyKey: ['allocation_id'],
    notes: 'user/system-initiated release started',
    versions: { '1.0': ProvisioningReleasingRequestedV1 },
    latest: '1.0',
  }),
  'gpuaas.provisioning.releasing.completed': defineEvent({
    eventType: 'gpuaas.provisioning.releasing.completed',
    producer: 'provisioning-worker',
    producerLabel: 'Provisioning Worker',
    consumers: ['billing-worker', 'notification-relay'],
    consumerLabels: ['Billing', 'Notification Relay'],
    idempotencyKey: ['allocation_id', 'released_at'],
    notes: 'node unassigned, usage window closed',
    versions: { '1.0': ProvisioningReleasingCompletedV1 },
    latest: '1.0',
  }),
  'gpuaas.provisioning.release_failed': defineEvent({
    eventType: 'gpuaas.provisioning.release_failed',
    producer: 'provisioning-worker',
    producerLabel: 'Provisioning Worker',
    consumers: ['billing-worker', 'notification-relay'],
    consumerLabels: ['Billing', 'Notification Relay'],
    idempotencyKey: ['allocation_id', 'failed_at'],
    notes: 'all retries exhausted; billing stops, admin intervention required',
    versions: { '1.0': ProvisioningReleaseFailedV1 },
    latest: '1.0',
  }),
  'platform.billing.low_balance_warning': defineEvent({
    eventType: 'platform.billing.low_balance_warning',
    producer: 'billing-worker',
    producerLabel: 'Billing Worker',
    consumers: ['notification-relay'],
    consumerLabels: ['Notification Relay'],
    idempotencyKey: ['user_id', 'threshold_window'],
    notes: 'one-time per low-state transition',
    versions: { '1.0': BillingLowBalanceWarningV1 },
    latest: '1.0',
  }),
  'platform.billing.auto_release_pending': defineEvent({
    eventType: 'platform.billing.auto_release_pending',
    producer: 'billing-worker',
    producerLabel: 'Billing Worker',
    consumers: ['notification-relay'],
    consumerLabels: ['Notification Relay'],
    idempotencyKey: ['user_id', 'projected_depletion_at'],
    notes: 'warning that forced release is approaching based on projected depletion',
    versions: { '1.0': BillingAutoReleasePendingV1 },
    latest: '1.0',
  }),
  'platform.billing.balance_depleted': defineEvent({
    eventType: 'platform.billing.balance_depleted',
    producer: 'billing-worker',
    producerLabel: 'Billing Worker',
    consumers: ['notification-relay', 'provisioning-worker'],
    consumerLabels: ['Notification Relay', 'Provisioning'],
    idempotencyKey: ['user_id', 'depleted_at'],
    notes: 'triggers force release',
    versions: { '1.0': BillingBalanceDepletedV1 },
    latest: '1.0',
  }),
  'platform.billing.usage.metered': defineEvent({
    eventType: 'platform.billing.usage.metered',
    producer: 'metered-product',
    producerLabel: 'GPUaaS / App Platform / future metered products',
    consumers: ['billing-worker'],
    consumerLabels: ['Billing Worker'],
    idempotencyKey: ['usage_event_id'],
    notes:
      'product-neutral usage interval for usage_records, rated_usage_lines, and ledger posting',
    versions: { '1.0': BillingUsageMeteredV1 },
    latest: '1.0',
  }),
  'platform.payments.balance_credited': defineEvent({
    eventType: 'platform.payments.balance_credited',
    producer: 'payments',
    producerLabel: 'Payments Service',
    consumers: ['billing-read-model'],
    consumerLabels: ['Billing Read Model'],
    idempotencyKey: ['stripe_event_id'],
    notes: 'credit applied after idempotent webhook post',
    versions: { '1.0': PaymentsBalanceCreditedV1 },
    latest: '1.0',
  }),
  'platform.payments.reconcile_failed': defineEvent({
    eventType: 'platform.payments.reconcile_failed',
    producer: 'payments',
    producerLabel: 'Payments Service',
    consumers: ['notification-relay', 'ops'],
    consumerLabels: ['Notification Relay', 'Ops'],
    idempotencyKey: ['stripe_event_id', 'payment_session_id'],
    notes: 'mismatch or provider failure requiring support follow-up',
    versions: { '1.0': PaymentsReconcileFailedV1 },
    latest: '1.0',
  }),
} as const;

export type Catalog = typeof catalog;
export type EventType = keyof Catalog;

/** The payload type of the latest version of an event type. */
export type PayloadOf<T extends EventType> =
  LatestSchemaOf<Catalog[T]> extends infer S extends TSchema ? Static<S> : never;

type LatestSchemaOf<E> = E extends { versions: infer V; latest: infer L }
  ? L extends keyof V
    ? V[L]
    : never
  : never;

/** The payload type of one version of an event type. */
export type PayloadOfVersion<
  T extends EventType,
  V extends keyof Catalog[T]['versions'],
> = Catalog[T]['versions'][V] extends infer S extends TSchema ? Static<S> : never;

export const EVENT_TYPES = Object.keys(catalog) as readonly EventType[];

export function isEventType(name: string): name is EventType {
  return Object.hasOwn(catalog, name);
}
