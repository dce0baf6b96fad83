import type { AuditEntry as AuditRecord } from '../store/audit-log';
import type { FailureResolution, ReconcileFailureRecord } from '../store/reconcile-failures';
import type { AuditEntry, ReconcileFailure } from './schemas';

const resolutionView = (r: FailureResolution): NonNullable<ReconcileFailure['resolution']> => ({
  action: r.action,
  by: r.by,
  reason: r.reason,
  resolved_at: r.resolved_at.toDate().toISOString(),
  ...(r.ledger_transaction_id !== undefined
    ? { ledger_transaction_id: r.ledger_transaction_id }
    : {}),
  ...(r.user_id !== undefined ? { user_id: r.user_id } : {}),
  ...(r.amount_micros !== undefined ? { amount_micros: r.amount_micros } : {}),
  ...(r.currency !== undefined ? { currency: r.currency } : {}),
  ...(r.funding_account !== undefined ? { funding_account: r.funding_account } : {}),
  ...(r.balance_after_micros !== undefined ? { balance_after_micros: r.balance_after_micros } : {}),
});

export function failureView(f: ReconcileFailureRecord): ReconcileFailure {
  return {
    failure_id: f.failure_id,
    stripe_event_id: f.stripe_event_id,
    payment_session_id: f.payment_session_id,
    stripe_event_type: f.stripe_event_type,
    livemode: f.livemode,
    reason_code: f.reason_code,
    detail: f.detail,
    ...(f.user_id !== undefined ? { user_id: f.user_id } : {}),
    ...(f.expected_amount_micros !== undefined
      ? { expected_amount_micros: f.expected_amount_micros }
      : {}),
    ...(f.observed_amount_micros !== undefined
      ? { observed_amount_micros: f.observed_amount_micros }
      : {}),
    ...(f.currency !== undefined ? { currency: f.currency } : {}),
    ...(f.payment_intent_id !== undefined ? { payment_intent_id: f.payment_intent_id } : {}),
    detected_at: f.detected_at.toDate().toISOString(),
    status: f.status,
    event_id: f.event_id,
    ...(f.resolution ? { resolution: resolutionView(f.resolution) } : {}),
  };
}

export const auditView = (a: AuditRecord): AuditEntry => ({
  action: a.action,
  operator: a.operator,
  reason: a.reason,
  at: a.at.toDate().toISOString(),
  ...(a.ledger_transaction_id !== undefined
    ? { ledger_transaction_id: a.ledger_transaction_id }
    : {}),
  ...(a.user_id !== undefined ? { user_id: a.user_id } : {}),
  ...(a.amount_micros !== undefined ? { amount_micros: a.amount_micros } : {}),
  ...(a.currency !== undefined ? { currency: a.currency } : {}),
  ...(a.funding_account !== undefined ? { funding_account: a.funding_account } : {}),
});
