import { Type } from '@sinclair/typebox';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { catalog, EVENT_TYPES, type EventType, isEventType } from './catalog';
import { type CatalogEntry, defineEvent } from './catalog-entry';
import { latestVersion, supportedMajors } from './catalog-queries';
import { CONSUMERS, type ConsumerName, type ProducerName } from './participants';
import { compareVersions } from './version';

// EVENTS.md "Event Catalog", copied row by row: [event, producer, consumers, key, notes].
const EVENTS_MD = [
  [
    'gpuaas.provisioning.requested',
    'Orchestrator',
    'Provisioning Worker',
    'allocation_id',
    'starts provisioning workflow',
  ],
  [
    'gpuaas.provisioning.active',
    'Provisioning Worker',
    'Billing, Notification Relay',
    'allocation_id + started_at',
    'allocation usable',
  ],
  [
    'gpuaas.provisioning.failed',
    'Provisioning Worker',
    'API read model, Notification Relay',
    'allocation_id + reason hash',
    'terminal failure state',
  ],
  [
    'gpuaas.provisioning.force_release_requested',
    'Billing Worker',
    'Provisioning Worker',
    'user_id + window',
    'release due to policy (balance depleted)',
  ],
  [
    'gpuaas.provisioning.releasing.requested',
    'Provisioning Orchestrator',
    'Provisioning Worker',
    'allocation_id',
    'user/system-initiated release started',
  ],
  [
    'gpuaas.provisioning.releasing.completed',
    'Provisioning Worker',
    'Billing, Notification Relay',
    'allocation_id + released_at',
    'node unassigned, usage window closed',
  ],
  [
    'gpuaas.provisioning.release_failed',
    'Provisioning Worker',
    'Billing, Notification Relay',
    'allocation_id + failed_at',
    'all retries exhausted; billing stops, admin intervention required',
  ],
  [
    'platform.billing.low_balance_warning',
    'Billing Worker',
    'Notification Relay',
    'user_id + threshold_window',
    'one-time per low-state transition',
  ],
  [
    'platform.billing.auto_release_pending',
    'Billing Worker',
    'Notification Relay',
    'user_id + projected_depletion_at',
    'warning that forced release is approaching based on projected depletion',
  ],
  [
    'platform.billing.balance_depleted',
    'Billing Worker',
    'Notification Relay, Provisioning',
    'user_id + depleted_at',
    'triggers force release',
  ],
  [
    'platform.billing.usage.metered',
    'GPUaaS / App Platform / future metered products',
    'Billing Worker',
    'usage_event_id or idempotency_key',
    'product-neutral usage interval for usage_records, rated_usage_lines, and ledger posting',
  ],
  [
    'platform.payments.balance_credited',
    'Payments Service',
    'Billing Read Model',
    'stripe_event_id',
    'credit applied after idempotent webhook post',
  ],
  [
    'platform.payments.reconcile_failed',
    'Payments Service',
    'Notification Relay, Ops',
    'stripe_event_id + payment_session_id',
    'mismatch or provider failure requiring support follow-up',
  ],
] as const;

const PRODUCER_BY_LABEL: Record<string, ProducerName> = {
  Orchestrator: 'orchestrator',
  'Provisioning Orchestrator': 'orchestrator',
  'Provisioning Worker': 'provisioning-worker',
  'Billing Worker': 'billing-worker',
  'Payments Service': 'payments',
  'GPUaaS / App Platform / future metered products': 'metered-product',
};

const CONSUMER_BY_LABEL: Record<string, ConsumerName> = {
  'Provisioning Worker': 'provisioning-worker',
  Provisioning: 'provisioning-worker',
  Billing: 'billing-worker',
  'Billing Worker': 'billing-worker',
  'Notification Relay': 'notification-relay',
  'API read model': 'api-read-model',
  'Billing Read Model': 'billing-read-model',
  Ops: 'ops',
};

// The key column names fields loosely ("reason hash", "window"); these are the payload fields.
const KEY_FIELDS: Record<string, readonly string[]> = {
  allocation_id: ['allocation_id'],
  'allocation_id + started_at': ['allocation_id', 'started_at'],
  'allocation_id + reason hash': ['allocation_id', 'reason_hash'],
  'user_id + window': ['user_id', 'window_id'],
  'allocation_id + released_at': ['allocation_id', 'released_at'],
  'allocation_id + failed_at': ['allocation_id', 'failed_at'],
  'user_id + threshold_window': ['user_id', 'threshold_window'],
  'user_id + projected_depletion_at': ['user_id', 'projected_depletion_at'],
  'user_id + depleted_at': ['user_id', 'depleted_at'],
  'usage_event_id or idempotency_key': ['usage_event_id'],
  stripe_event_id: ['stripe_event_id'],
  'stripe_event_id + payment_session_id': ['stripe_event_id', 'payment_session_id'],
};

const entries = Object.entries(catalog) as [EventType, CatalogEntry][];

describe('catalog matches EVENTS.md', () => {
  it('has the 13 rows in table order', () => {
    expect(EVENT_TYPES).toEqual(EVENTS_MD.map(([eventType]) => eventType));
  });

  it.each(EVENTS_MD)(
    '%s: producer, consumers, key, notes',
    (eventType, producer, consumers, key, notes) => {
      const entry: CatalogEntry = catalog[eventType];
      const labels = consumers.split(', ');
      expect(entry.eventType).toBe(eventType);
      expect(entry.producerLabel).toBe(producer);
      expect(entry.producer).toBe(PRODUCER_BY_LABEL[producer]);
      expect(entry.consumerLabels).toEqual(labels);
      expect(entry.consumers).toEqual(labels.map((label) => CONSUMER_BY_LABEL[label]));
      expect(entry.idempotencyKey).toEqual(KEY_FIELDS[key]);
      expect(entry.notes).toBe(notes);
    },
  );
});

describe('catalog invariants', () => {
  // Events go out unordered (see README): no ordering key is declared or exported.
  it.each(entries)('%s declares no ordering key', (_eventType, entry) => {
    expect(Object.keys(entry)).not.toContain('orderingKey');
  });

  it.each(entries)('%s: latest is the highest version', (_eventType, entry) => {
    const highest = Object.keys(entry.versions).sort(compareVersions).at(-1);
    expect(entry.latest).toBe(highest);
    expect(latestVersion(entry.eventType as EventType)).toBe(highest);
  });

  it.each(entries)(
    '%s: every version keeps the key fields required strings',
    (_eventType, entry) => {
      for (const schema of Object.values(entry.versions)) {
        for (const field of entry.idempotencyKey) {
          expect(schema.required).toContain(field);
          expect(schema.properties[field]?.type).toBe('string');
        }
      }
    },
  );

  it.each(entries)('%s: payloads stay open to additive fields', (_eventType, entry) => {
    for (const schema of Object.values(entry.versions)) {
      expect(schema.additionalProperties).toBeUndefined();
    }
  });

  it.each(entries)('%s: consumers are known and unique', (_eventType, entry) => {
    for (const consumer of entry.consumers) expect(CONSUMERS).toContain(consumer);
    expect(new Set(entry.consumers).size).toBe(entry.consumers.length);
    expect(entry.consumers).toHaveLength(entry.consumerLabels.length);
  });

  it('supportedMajors and latestVersion describe major 1; provisioning.active is at 1.1', () => {
    for (const eventType of EVENT_TYPES) {
      expect(supportedMajors(eventType)).toEqual([1]);
      expect(latestVersion(eventType)).toBe(
        eventType === 'gpuaas.provisioning.active' ? '1.1' : '1.0',
      );
    }
  });

  it('isEventType tells catalog names from others', () => {
    expect(isEventType('gpuaas.provisioning.active')).toBe(true);
    expect(isEventType('gpuaas.provisioning.unknown')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});

describe('catalog types', () => {
  it('EventType is the union of the 13 names', () => {
    expectTypeOf<EventType>().toEqualTypeOf<(typeof EVENTS_MD)[number][0]>();
  });

  it('defineEvent rejects a key field the payload lacks or makes optional', () => {
    const Payload = Type.Object({ user_id: Type.String(), note: Type.Optional(Type.String()) });
    const row = {
      eventType: 'test.thing.happened',
      producer: 'orchestrator',
      producerLabel: 'Test',
      consumers: ['ops'],
      consumerLabels: ['Ops'],
      notes: '',
      versions: { '1.0': Payload },
      latest: '1.0',
    } as const;
    expect(defineEvent({ ...row, idempotencyKey: ['user_id'] }).idempotencyKey).toEqual([
      'user_id',
    ]);
    // @ts-expect-error missing_field is not in the payload
    defineEvent({ ...row, idempotencyKey: ['missing_field'] });
    // @ts-expect-error an optional field cannot be part of a key
    defineEvent({ ...row, idempotencyKey: ['note'] });
  });
});
