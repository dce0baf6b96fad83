import { describe, expect, it } from 'vitest';
import { catalog, type EventType } from '../src/catalog';
import { idempotencyKeyOf, idempotencyKeyParts } from '../src/catalog-queries';
import { examples } from '../src/examples';
import { usageEventId } from '../src/payloads/index';
import { validatePayload } from '../src/validate-payload';
import {
  badFormatCases,
  eventTypes,
  type FieldCase,
  fractionCases,
  payloadSchemaOf,
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
  // EVENTS.md "Idempotency Key" column, as the composition of the example's values; date-time
  // parts in their canonical spelling (trailing fraction zeros trimmed).
  const p = examples;
  const allocation = p['gpuaas.provisioning.requested'].allocation_id;
  const user = p['platform.billing.balance_depleted'].user_id;
  it.each([
    ['gpuaas.provisioning.requested', allocation],
    ['gpuaas.provisioning.active', `${allocation}:2026-01-15T09:31:12.483Z`],
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
    ['gpuaas.provisioning.releasing.completed', `${allocation}:2026-01-15T12:00:41.002Z`],
    ['gpuaas.provisioning.release_failed', `${allocation}:2026-01-15T12:15:01Z`],
    // threshold_window is an episode id that spells a time: canonical too.
    ['platform.billing.low_balance_warning', `${user}:2026-01-15T16:45:00Z`],
    ['platform.billing.auto_release_pending', `${user}:2026-01-15T17:59:00Z`],
    ['platform.billing.balance_depleted', `${user}:2026-01-15T18:02:00Z`],
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
      '2026-01-15T09:31:12.483Z',
    ]);
    const usage = examples['platform.billing.usage.metered'];
    expect(idempotencyKeyParts('platform.billing.usage.metered', usage)).toEqual([
      usage.usage_event_id,
    ]);
  });

  it('usage_event_id is resource_id:interval_start, canonical, in the example', () => {
    const usage = examples['platform.billing.usage.metered'];
    expect(usage.usage_event_id).toBe(`${usage.resource_id}:2026-01-15T09:31:12.483Z`);
    expect(usageEventId(usage.resource_id, usage.interval_start)).toBe(usage.usage_event_id);
  });

  it('refuses a date-time key part that is not a timestamp (untyped callers)', () => {
    const payload = withField('gpuaas.provisioning.active', 'started_at', 'yesterday');
    expect(() => idempotencyKeyOf('gpuaas.provisioning.active', payload as never)).toThrow(
      expect.objectContaining({ code: 'payload_invalid' }),
    );
  });

  it('refuses a payload without its key fields (untyped callers)', () => {
    const payload = withField('gpuaas.provisioning.active', 'started_at', undefined);
    expect(() => idempotencyKeyOf('gpuaas.provisioning.active', payload as never)).toThrow(
      expect.objectContaining({ code: 'payload_invalid' }),
    );
  });
});

describe('idempotency keys over timestamps', () => {
  const active = examples['gpuaas.provisioning.active'];
  const activeAt = (started_at: string) =>
    idempotencyKeyOf('gpuaas.provisioning.active', { ...active, started_at });

  it('give one key for every spelling of the same instant', () => {
    const keys = new Set(
      [
        '2026-01-15T09:31:12Z',
        '2026-01-15T09:31:12.0Z',
        '2026-01-15T09:31:12.000Z',
        '2026-01-15T09:31:12.000000000Z',
      ].map(activeAt),
    );
    expect([...keys]).toEqual([`${active.allocation_id}:2026-01-15T09:31:12Z`]);
    expect(activeAt('2026-01-15T09:31:12.500Z')).toBe(activeAt('2026-01-15T09:31:12.5Z'));
  });

  it('keep sub-millisecond digits exactly', () => {
    expect(activeAt('2026-01-15T09:31:12.123456789Z')).toBe(
      `${active.allocation_id}:2026-01-15T09:31:12.123456789Z`,
    );
    expect(activeAt('2026-01-15T09:31:12.1234560Z')).toBe(
      `${active.allocation_id}:2026-01-15T09:31:12.123456Z`,
    );
    expect(activeAt('2026-01-15T09:31:12.123456Z')).not.toBe(activeAt('2026-01-15T09:31:12.123Z'));
    expect(activeAt('2026-01-15T09:31:12.000001Z')).not.toBe(activeAt('2026-01-15T09:31:12Z'));
  });

  // Every event whose key has a date-time field, as its latest schema says.
  const timestampKeys = eventTypes.flatMap((eventType) => {
    const schema = payloadSchemaOf(eventType);
    return catalog[eventType].idempotencyKey
      .filter((field) => schema.properties[field]?.format === 'date-time')
      .map((field) => [eventType, field] as const);
  });

  it('cover every date-time key field of the catalog', () => {
    expect(timestampKeys.map(([eventType, field]) => `${eventType}.${field}`).sort()).toEqual([
      'gpuaas.provisioning.active.started_at',
      'gpuaas.provisioning.release_failed.failed_at',
      'gpuaas.provisioning.releasing.completed.released_at',
      'platform.billing.auto_release_pending.projected_depletion_at',
      'platform.billing.balance_depleted.depleted_at',
    ]);
  });

  it.each(timestampKeys)('%s: %s is canonical in the key', (eventType, field) => {
    const key = (at: string) =>
      idempotencyKeyParts(eventType, withField(eventType, field, at) as never);
    expect(key('2026-01-15T18:02:00.000Z')).toEqual(key('2026-01-15T18:02:00Z'));
    expect(key('2026-01-15T18:02:00.000Z')).toContain('2026-01-15T18:02:00Z');
  });

  it('write a timestamp that is, or ends, a composite key part canonically', () => {
    const usage = examples['platform.billing.usage.metered'];
    const key = (start: string) =>
      idempotencyKeyOf('platform.billing.usage.metered', {
        ...usage,
        usage_event_id: `${usage.resource_id}:${start}`,
      });
    // A consumer collapses a re-emitted interval whichever producer spelled it.
    expect(key('2026-01-15T09:31:12.480Z')).toBe(`${usage.resource_id}:2026-01-15T09:31:12.48Z`);
    expect(key('2026-01-15T09:31:00.000Z')).toBe(key('2026-01-15T09:31:00Z'));
    const warning = examples['platform.billing.low_balance_warning'];
    expect(idempotencyKeyParts('platform.billing.low_balance_warning', warning)).toEqual([
      warning.user_id,
      '2026-01-15T16:45:00Z',
    ]);
  });

  it('leave other parts as sent', () => {
    const usage = examples['platform.billing.usage.metered'];
    for (const id of ['alloc-1:2026-13-45T99:00:00Z', 'alloc:2026', 'x2026-01-15T09:31:00.000Z']) {
      expect(
        idempotencyKeyOf('platform.billing.usage.metered', { ...usage, usage_event_id: id }),
      ).toBe(id);
    }
    expect(idempotencyKeyParts('gpuaas.provisioning.active', active)[0]).toBe(active.allocation_id);
  });

  it('collapse a re-emitted usage interval spelled differently (usageEventId)', () => {
    expect(usageEventId('alloc_1', '2026-01-15T09:31:00Z')).toBe(
      usageEventId('alloc_1', '2026-01-15T09:31:00.000Z'),
    );
    expect(usageEventId('alloc_1', '2026-01-15T09:31:00.000Z')).toBe(
      'alloc_1:2026-01-15T09:31:00Z',
    );
  });
});
