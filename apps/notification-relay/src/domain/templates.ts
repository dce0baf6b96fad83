import type {
  PayloadOf,
  ProvisioningFailureReason,
  ReconcileFailureReason,
  ReleaseReason,
} from '@gpuaas/contracts';
import { describeDuration } from './durations';
import { formatMoney, formatTime, plural } from './formatting';
import type { Links } from './links';
import type { NotificationContent, NotifiedEventType } from './notification';

type Template<T extends NotifiedEventType> = (
  payload: PayloadOf<T>,
  links: Links,
) => NotificationContent;

const FAILURE_TEXT: Record<ProvisioningFailureReason, string> = {
  no_capacity: 'no GPU capacity was available',
  provisioning_timeout: 'provisioning timed out',
  provider_error: 'the GPU provider reported an error',
  quota_exceeded: 'your GPU quota is used up',
  insufficient_balance: 'your balance is too low',
  cancelled: 'the request was cancelled',
};

const RELEASE_TEXT: Record<ReleaseReason, string> = {
  user_requested: 'as you requested',
  balance_depleted: 'because your balance ran out',
  idle_timeout: 'because it was idle',
  admin: 'by an administrator',
  provisioning_cancelled: 'because its provisioning was cancelled',
};

const RECONCILE_TEXT: Record<ReconcileFailureReason, string> = {
  missing_user: 'the payment names no account',
  unknown_user: 'the payment names an account we do not know',
  amount_mismatch: 'the amount paid does not match the checkout',
  currency_mismatch: 'the payment currency does not match the checkout',
  not_paid: 'the payment has not completed',
  livemode_mismatch: 'the payment was made in the wrong Stripe mode',
  already_credited_conflict: 'the checkout was already credited with other details',
  ledger_post_failed: 'we could not post it to your balance yet',
};

/**
 * One template per consumed event type, all of them here: the text a user reads, its severity,
 * its links and the facts a webhook receiver can act on.
 */
export const templates: { [T in NotifiedEventType]: Template<T> } = {
  'gpuaas.provisioning.active': (p, links) => ({
    kind: 'allocation.active',
    severity: 'info',
    title: `Your ${p.gpu_count}× ${p.gpu_type} allocation is ready`,
    body:
      `Allocation ${p.allocation_id} is running in ${p.region} since ${formatTime(p.started_at)}. ` +
      `It is billed at ${formatMoney(p.rate_micros_per_gpu_hour, p.currency)} per GPU-hour until you release it.`,
    links: [links.allocation(p.allocation_id)],
    details: {
      allocation_id: p.allocation_id,
      gpu_type: p.gpu_type,
      gpu_count: p.gpu_count,
      region: p.region,
      started_at: p.started_at,
    },
  }),

  'gpuaas.provisioning.failed': (p, links) => ({
    kind: 'allocation.failed',
    severity: p.reason_code === 'cancelled' ? 'info' : 'warning',
    title: `Allocation ${p.allocation_id} could not be started`,
    body:
      `It failed at ${formatTime(p.failed_at)} after ${plural(p.attempts, 'attempt')}: ` +
      `${FAILURE_TEXT[p.reason_code]}. Nothing was charged.` +
      (p.retryable ? ' You can request it again.' : ''),
    links: [links.allocation(p.allocation_id)],
    details: {
      allocation_id: p.allocation_id,
      reason_code: p.reason_code,
      retryable: p.retryable,
      failed_at: p.failed_at,
    },
  }),

  'gpuaas.provisioning.releasing.completed': (p, links) => ({
    kind: 'allocation.released',
    severity: p.release_reason === 'balance_depleted' ? 'warning' : 'info',
    title: `Allocation ${p.allocation_id} was released`,
    body:
      `It was released ${RELEASE_TEXT[p.release_reason]} at ${formatTime(p.released_at)}, ` +
      (p.billable_seconds > 0
        ? `after ${describeDuration(p.billable_seconds * 1000)} of billable time.`
        : 'before any billable time.'),
    links: [links.allocation(p.allocation_id)],
    details: {
      allocation_id: p.allocation_id,
      release_reason: p.release_reason,
      released_at: p.released_at,
      billable_seconds: p.billable_seconds,
    },
  }),

  'gpuaas.provisioning.release_failed': (p, links) => ({
    kind: 'allocation.release_failed',
    severity: 'warning',
    title: `Release of allocation ${p.allocation_id} needs our attention`,
    body:
      `We could not confirm that its instance stopped after ${plural(p.attempts, 'attempt')}. ` +
      `Billing stopped at ${formatTime(p.failed_at)}; our operators are resolving it.`,
    links: [links.allocation(p.allocation_id)],
    details: {
      allocation_id: p.allocation_id,
      billing_stopped_at: p.failed_at,
    },
  }),

  'platform.billing.low_balance_warning': (p, links) => ({
    kind: 'balance.low',
    severity: 'warning',
    title: `Your ${p.currency} balance is low`,
    body:
      `Your balance is ${formatMoney(p.balance_micros, p.currency)}, below your threshold of ` +
      `${formatMoney(p.threshold_micros, p.currency)}. ` +
      (p.projected_depletion_at
        ? `At ${formatMoney(p.burn_rate_micros_per_hour, p.currency)} per hour it runs out around ${formatTime(p.projected_depletion_at)}.`
        : 'Nothing is running, so it is not going down.'),
    links: [links.balance()],
    details: {
      currency: p.currency,
      balance_micros: p.balance_micros,
      threshold_micros: p.threshold_micros,
      projected_depletion_at: p.projected_depletion_at,
    },
  }),

  'platform.billing.auto_release_pending': (p, links) => ({
    kind: 'balance.auto_release_pending',
    severity: 'critical',
    title: 'Your allocations will be released soon',
    body:
      `At ${formatMoney(p.burn_rate_micros_per_hour, p.currency)} per hour your balance of ` +
      `${formatMoney(p.balance_micros, p.currency)} runs out around ${formatTime(p.projected_depletion_at)}; ` +
      `${plural(p.active_allocation_ids.length, 'running allocation')} will then be released. Add credit to keep them running.`,
    links: [links.balance(), ...links.allocations(p.active_allocation_ids)],
    details: {
      currency: p.currency,
      balance_micros: p.balance_micros,
      projected_depletion_at: p.projected_depletion_at,
      active_allocation_ids: p.active_allocation_ids,
    },
  }),

  'platform.billing.balance_depleted': (p, links) => ({
    kind: 'balance.depleted',
    severity: 'critical',
    title: `Your ${p.currency} balance is used up`,
    body:
      `Your balance reached ${formatMoney(p.balance_micros, p.currency)} at ${formatTime(p.depleted_at)}; ` +
      `${plural(p.active_allocation_ids.length, 'running allocation')} ${p.active_allocation_ids.length === 1 ? 'is' : 'are'} being released. ` +
      'Add credit to start new ones.',
    links: [links.balance(), ...links.allocations(p.active_allocation_ids)],
    details: {
      currency: p.currency,
      balance_micros: p.balance_micros,
      depleted_at: p.depleted_at,
      active_allocation_ids: p.active_allocation_ids,
    },
  }),

  'platform.payments.reconcile_failed': (p, links) => ({
    kind: 'payment.reconcile_failed',
    severity: 'warning',
    title: 'We could not apply your payment',
    body:
      `Your payment (checkout ${p.payment_session_id}) was not credited: ${RECONCILE_TEXT[p.reason_code]}. ` +
      'Our support team has been alerted and will follow up.',
    links: [links.balance()],
    details: {
      payment_session_id: p.payment_session_id,
      reason_code: p.reason_code,
      detected_at: p.detected_at,
    },
  }),
};

/** Renders the notification of one consumed event. */
export function renderNotification<T extends NotifiedEventType>(
  eventType: T,
  payload: PayloadOf<T>,
  links: Links,
): NotificationContent {
  return (templates[eventType] as Template<T>)(payload, links);
}

/** The in-app notice that an endpoint stopped receiving. */
export function renderEndpointDisabled(
  url: string,
  reason: 'gone' | 'failing',
  failingForMs: number,
  links: Links,
): NotificationContent {
  return {
    kind: 'webhook.endpoint_disabled',
    severity: 'warning',
    title: 'Your webhook endpoint was disabled',
    body:
      reason === 'gone'
        ? `${url} answered 410 Gone, so we stopped sending notifications to it.`
        : `Every delivery to ${url} failed for ${describeDuration(failingForMs)}, so we stopped sending notifications to it.` +
          ' Fix it, then enable it again in your notification settings.',
    links: [links.settings()],
    details: { url, reason },
  };
}
