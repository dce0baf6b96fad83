import { describe, expect, it } from 'vitest';
import type { EventType } from './catalog';
import { createEnvelope } from './create-envelope';
import { isValidEventName } from './event-name';
import { examples } from './examples';
import { isRfc3339Utc, isUuid } from './formats';
import { parseEnvelope } from './parse-envelope';

const MB = 1024 * 1024;
const SIZES = [['4 MB', 4 * MB] as const, ['9.5 MB', 9.5 * MB] as const];
// Fillers that keep each kind of regex matching as long as possible before it can fail.
const FILLERS = {
  dotted: 'a.', // event names: one quantified group per segment
  word: 'evt_A0', // ids and the Stripe patterns
  digits: '2026:00.0', // versions, timestamps and the minute-floor pattern
} as const;

function fill(filler: string, size: number): string {
  return filler.repeat(Math.ceil(size / filler.length)).slice(0, size);
}

function envelopeOf(eventType: EventType) {
  return createEnvelope(eventType, examples[eventType] as never, { correlationId: 'corr-1' });
}

// Where a huge string goes; `path` is the issue expected, undefined when the event stays valid.
interface Slot {
  name: string;
  eventType: EventType;
  place: (event: Record<string, unknown>, text: string) => Record<string, unknown>;
  path?: string;
}

const top =
  (field: string) =>
  (event: Record<string, unknown>, text: string): Record<string, unknown> => ({
    ...event,
    [field]: text,
  });
const inPayload =
  (field: string) =>
  (event: Record<string, unknown>, text: string): Record<string, unknown> => ({
    ...event,
    payload: { ...(event.payload as object), [field]: text },
  });

const SLOTS: Slot[] = [
  {
    name: 'uuid event_id',
    eventType: 'gpuaas.provisioning.active',
    place: top('event_id'),
    path: '/event_id',
  },
  {
    name: 'date-time occurred_at',
    eventType: 'gpuaas.provisioning.active',
    place: top('occurred_at'),
    path: '/occurred_at',
  },
  {
    name: 'pattern event_type',
    eventType: 'gpuaas.provisioning.active',
    place: top('event_type'),
    path: '/event_type',
  },
  {
    name: 'pattern version',
    eventType: 'gpuaas.provisioning.active',
    place: top('version'),
    path: '/version',
  },
  {
    name: 'bounded correlation_id',
    eventType: 'gpuaas.provisioning.active',
    place: top('correlation_id'),
    path: '/correlation_id',
  },
  {
    name: 'unknown envelope field',
    eventType: 'gpuaas.provisioning.active',
    place: top('extra'),
    path: '/extra',
  },
  {
    name: 'plain string allocation_id',
    eventType: 'gpuaas.provisioning.active',
    place: inPayload('allocation_id'),
  },
  {
    name: 'date-time started_at',
    eventType: 'gpuaas.provisioning.active',
    place: inPayload('started_at'),
    path: '/payload/started_at',
  },
  {
    name: 'pattern currency',
    eventType: 'gpuaas.provisioning.active',
    place: inPayload('currency'),
    path: '/payload/currency',
  },
  {
    name: 'pattern reason_hash',
    eventType: 'gpuaas.provisioning.failed',
    place: inPayload('reason_hash'),
    path: '/payload/reason_hash',
  },
  {
    name: 'pattern stripe_event_id',
    eventType: 'platform.payments.balance_credited',
    place: inPayload('stripe_event_id'),
  },
  {
    name: 'date-time and pattern projected_depletion_at',
    eventType: 'platform.billing.auto_release_pending',
    place: inPayload('projected_depletion_at'),
    path: '/payload/projected_depletion_at',
  },
  {
    name: 'enum reason_code',
    eventType: 'gpuaas.provisioning.failed',
    place: inPayload('reason_code'),
    path: '/payload/reason_code',
  },
  {
    name: 'record key and value (dimensions)',
    eventType: 'platform.billing.usage.metered',
    place: (event, text) => ({
      ...event,
      payload: { ...(event.payload as object), dimensions: { [text]: text } },
    }),
  },
  {
    name: 'unknown payload field',
    eventType: 'platform.billing.usage.metered',
    place: inPayload('added_later'),
  },
];

// A stripe id of word characters is valid; with other fillers it is not.
function expectedPath(slot: Slot, filler: keyof typeof FILLERS): string | undefined {
  if (slot.name === 'pattern stripe_event_id')
    return filler === 'word' ? undefined : '/payload/stripe_event_id';
  return slot.path;
}

describe('parseEnvelope on huge strings never throws', () => {
  for (const [size, bytes] of SIZES) {
    for (const [fillerName, filler] of Object.entries(FILLERS) as [
      keyof typeof FILLERS,
      string,
    ][]) {
      const text = fill(filler, bytes);
      it.each(SLOTS)(
        `${size} of ${fillerName} in $name`,
        (slot) => {
          const message = JSON.stringify(slot.place(envelopeOf(slot.eventType), text));
          const result = parseEnvelope(message);
          const path = expectedPath(slot, fillerName);
          if (path === undefined) {
            expect(result.ok).toBe(true);
            return;
          }
          expect(result.ok).toBe(false);
          if (result.ok) return;
          // A valid-looking 9.5 MB dotted event name is simply not in the catalog.
          expect(result.error.issues.map((issue) => issue.path)).toContain(path);
        },
        30_000,
      );
    }
  }

  it('as UTF-8 bytes too', () => {
    const event = top('event_type')(
      envelopeOf('gpuaas.provisioning.active'),
      `${fill('a.', 9.5 * MB)}a`,
    );
    const result = parseEnvelope(new TextEncoder().encode(JSON.stringify(event)));
    expect(result.ok || result.error.code).toBe('unknown_event_type');
  });
});

describe('the format and name checks refuse huge strings without a regex overflow', () => {
  const huge = fill('a.', 9.5 * MB);
  it.each([
    ['isValidEventName', () => isValidEventName(huge)],
    ['isValidEventName on a valid-looking name', () => isValidEventName(`${huge}a`)],
    ['isUuid', () => isUuid(fill('0f8fad5b-', 9.5 * MB))],
    ['isRfc3339Utc', () => isRfc3339Utc(`2026-01-15T09:30:00.${'0'.repeat(9.5 * MB)}Z`)],
  ])('%s', (_name, check) => {
    expect(check).not.toThrow();
  });

  it('isValidEventName still judges a long name by the naming rule', () => {
    expect(isValidEventName(`${huge}a`)).toBe(true);
    expect(isValidEventName(`${huge}`)).toBe(false);
    expect(isValidEventName(`A${huge}a`)).toBe(false);
  });
});

// JSON.stringify itself overflows on such values, so the text is written out.
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function withRawField(
  eventType: EventType,
  field: string,
  rawJson: string,
  where: 'payload' | 'envelope',
): string {
  const event = envelopeOf(eventType) as unknown as Record<string, unknown>;
  const payload: Record<string, unknown> = { ...(event.payload as object) };
  delete payload[field];
  const json = JSON.stringify({ ...event, payload });
  return where === 'payload'
    ? json.replace('"payload":{', `"payload":{"${field}":${rawJson},`)
    : json.replace(/^\{/, `{"${field}":${rawJson},`);
}

describe('parseEnvelope on 5,000-deep values never throws', () => {
  it.each([
    ['an array', deepArray(5000)],
    ['an object', deepObject(5000)],
  ])('%s in an unknown payload field is kept', (_kind, raw) => {
    const result = parseEnvelope(
      withRawField('platform.billing.usage.metered', 'added_later', raw, 'payload'),
    );
    expect(result.ok).toBe(true);
  });

  it.each([
    ['an array in a string field', 'gpuaas.provisioning.active', 'allocation_id', deepArray(5000)],
    ['an object in a string field', 'gpuaas.provisioning.active', 'started_at', deepObject(5000)],
    [
      'an array in a list field',
      'platform.billing.balance_depleted',
      'active_allocation_ids',
      `[${deepArray(5000)}]`,
    ],
    [
      'an array in a record field',
      'platform.billing.usage.metered',
      'dimensions',
      `{"region":${deepArray(5000)}}`,
    ],
    ['an object as a record', 'platform.billing.usage.metered', 'dimensions', deepObject(5000)],
  ] as const)('%s is payload_invalid', (_kind, eventType, field, raw) => {
    const result = parseEnvelope(withRawField(eventType, field, raw, 'payload'));
    expect(result.ok || result.error.code).toBe('payload_invalid');
  });

  it('in an unknown envelope field is envelope_invalid', () => {
    const result = parseEnvelope(
      withRawField('gpuaas.provisioning.active', 'extra', deepArray(5000), 'envelope'),
    );
    expect(result.ok || result.error.code).toBe('envelope_invalid');
  });
});
