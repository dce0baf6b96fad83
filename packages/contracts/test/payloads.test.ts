import { describe, expect, it } from 'vitest';
import { catalog, type EventType } from '../src/catalog';
import { idempotencyKeyOf, idempotencyKeyParts } from '../src/catalog-queries';
import { examples } from '../src/examples';
import { validatePayload } from '../src/validate-payload';
import {
  badFormatCases,
  eventTypes,
  type FieldCase,
  fractionCases,
  requiredFieldCases,
  withField,
  wrongTypeCases,
} from './payload-cases';

const version = (eventType: EventType) => catalog[eventType].latest;

function expectIssueAt({ eventType, field, value }: FieldCase, path = `/${field}`): void {
  const issues = validatePayload(eventType, version(eventType), withField(eventType, field, value));
  expect(issues.map((issue) => issue.path)).toContain(path);
}

describe('payload schemas', () => {
  it.each(eventTypes)('%s: the example is valid', (eventType) => {
    expect(validatePayload(eventType, version(eventType), examples[eventType])).toEqual([]);
  });

  it.each(eventTypes)('%s: an extra field is allowed (additive minors)', (eventType) => {
    const payload = { ...examples[eventType], added_in_a_later_minor: 'x' };
    expect(validatePayload(eventType, version(eventType), payload)).toEqual([]);
  });

  it.each(requiredFieldCases())('$eventType: $why $field', (c) => expectIssueAt(c));
  it.each(wrongTypeCases())('$eventType: $why $field', (c) => expectIssueAt(c));
  it.each(fractionCases())('$eventType: $why $field', (c) => expectIssueAt(c));
  it.each(badFormatCases())('$eventType: $field $why ($value)', (c) => expectIssueAt(c));

  it.each([
    ['gpuaas.provisioning.requested', 'gpu_count', 0],
    ['gpuaas.provisioning.requested', 'billing_increment_seconds', 30],
    ['gpuaas.provisioning.requested', 'allocation_id', ''],
    ['gpuaas.provisioning.failed', 'reason_code', 'meteor_strike'],
    ['gpuaas.provisioning.failed', 'reason_message', 'x'.repeat(513)],
    ['gpuaas.provisioning.failed', 'reason_hash', 'ABC123'],
    ['gpuaas.provisioning.force_release_requested', 'reason', 'admin'],
    ['gpuaas.provisioning.force_release_requested', 'balance_micros', 1],
    ['gpuaas.provisioning.force_release_requested', 'allocation_ids', 'alloc-1'],
    ['gpuaas.provisioning.releasing.requested', 'requested_by', 'robot'],
    ['gpuaas.provisioning.releasing.completed', 'release_reason', 'unknown'],
    ['gpuaas.provisioning.release_failed', 'requires_admin', false],
    ['gpuaas.provisioning.release_failed', 'attempts', 0],
    ['platform.billing.auto_release_pending', 'burn_rate_micros_per_hour', 0],
    ['platform.billing.auto_release_pending', 'projected_depletion_at', '2026-01-15T17:59:42.000Z'],
    ['platform.billing.balance_depleted', 'balance_micros', 5],
    ['platform.billing.usage.metered', 'unit', 'gpu_hour'],
    ['platform.payments.balance_credited', 'amount_micros', 0],
    ['platform.payments.balance_credited', 'stripe_event_id', 'ch_123'],
    ['platform.payments.balance_credited', 'payment_session_id', 'pi_123'],
    ['platform.payments.reconcile_failed', 'reason_code', 'cosmic_rays'],
  ] as const)('%s: %s = %j is rejected', (eventType, field, value) => {
    expectIssueAt({ eventType, field, value, why: 'constraint' });
  });

  it.each([
    ['gpuaas.provisioning.force_release_requested', 'allocation_ids', [42], '/allocation_ids/0'],
    [
      'platform.billing.auto_release_pending',
      'active_allocation_ids',
      [''],
      '/active_allocation_ids/0',
    ],
    ['platform.billing.usage.metered', 'dimensions', { region: 1 }, '/dimensions/region'],
  ] as const)('%s: %s = %j is rejected at %s', (eventType, field, value, path) => {
    expectIssueAt({ eventType, field, value, why: 'nested' }, path);
  });

  it.each([
    ['platform.billing.low_balance_warning', 'projected_depletion_at', null],
    ['gpuaas.provisioning.requested', 'region', undefined],
    ['gpuaas.provisioning.failed', 'provider_instance_id', 'sim-i-1'],
    ['platform.billing.usage.metered', 'dimensions', undefined],
    ['platform.payments.reconcile_failed', 'user_id', undefined],
    ['platform.payments.reconcile_failed', 'currency', undefined],
  ] as const)('%s: %s = %j is accepted', (eventType, field, value) => {
    expect(
      validatePayload(eventType, version(eventType), withField(eventType, field, value)),
    ).toEqual([]);
  });
});

describe('idempotencyKeyOf', () => {
  // EVENTS.md "Idempotency Key" column, as the composition of the example's values.
  const p = examples;
  it.each([
    ['gpuaas.provisioning.requested', p['gpuaas.provisioning.requested'].allocation_id],
    [
      'gpuaas.provisioning.active',
      `${p['gpuaas.provisioning.active'].allocation_id}:${p['gpuaas.provisioning.active'].started_at}`,
    ],
    [
      'gpuaas.provisioning.failed',
      `${p['gpuaas.provisioning.failed'].allocation_id}:${p['gpuaas.provisioning.failed'].reason_hash}`,
    ],
    [
      'gpuaas.provisioning.force_release_requested',
      `${p['gpuaas.provisioning.force_release_requested'].user_id}:${p['gpuaas.provisioning.force_release_requested'].window_id}`,
    ],
    [
      'gpuaas.provisioning.releasing.requested',
      p['gpuaas.provisioning.releasing.requested'].allocation_id,
    ],
    [
      'gpuaas.provisioning.releasing.completed',
      `${p['gpuaas.provisioning.releasing.completed'].allocation_id}:${p['gpuaas.provisioning.releasing.completed'].released_at}`,
    ],
    [
      'gpuaas.provisioning.release_failed',
      `${p['gpuaas.provisioning.release_failed'].allocation_id}:${p['gpuaas.provisioning.release_failed'].failed_at}`,
    ],
    [
      'platform.billing.low_balance_warning',
      `${p['platform.billing.low_balance_warning'].user_id}:${p['platform.billing.low_balance_warning'].threshold_window}`,
    ],
    [
      'platform.billing.auto_release_pending',
      `${p['platform.billing.auto_release_pending'].user_id}:${p['platform.billing.auto_release_pending'].projected_depletion_at}`,
    ],
    [
      'platform.billing.balance_depleted',
      `${p['platform.billing.balance_depleted'].user_id}:${p['platform.billing.balance_depleted'].depleted_at}`,
    ],
    ['platform.billing.usage.metered', p['platform.billing.usage.metered'].usage_event_id],
    ['platform.payments.balance_credited', p['platform.payments.balance_credited'].stripe_event_id],
    [
      'platform.payments.reconcile_failed',
      `${p['platform.payments.reconcile_failed'].stripe_event_id}:${p['platform.payments.reconcile_failed'].payment_session_id}`,
    ],
  ] as const)('%s -> %s', (eventType, expected) => {
    expect(idempotencyKeyOf(eventType, examples[eventType])).toBe(expected);
  });

  it('keeps the parts apart for callers that must not split on ":"', () => {
    const active = examples['gpuaas.provisioning.active'];
    expect(idempotencyKeyParts('gpuaas.provisioning.active', active)).toEqual([
      active.allocation_id,
      active.started_at,
    ]);
    const usage = examples['platform.billing.usage.metered'];
    expect(idempotencyKeyParts('platform.billing.usage.metered', usage)).toEqual([
      usage.usage_event_id,
    ]);
  });

  it('usage_event_id is resource_id:interval_start in the example', () => {
    const usage = examples['platform.billing.usage.metered'];
    expect(usage.usage_event_id).toBe(`${usage.resource_id}:${usage.interval_start}`);
  });

  it('refuses a payload without its key fields (untyped callers)', () => {
    const payload = withField('gpuaas.provisioning.active', 'started_at', undefined);
    expect(() => idempotencyKeyOf('gpuaas.provisioning.active', payload as never)).toThrow(
      expect.objectContaining({ code: 'payload_invalid' }),
    );
  });
});
