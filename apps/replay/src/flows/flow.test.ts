import { describe, expect, it } from 'vitest';
import { assembleFlow, type FlowFacts } from './flow';

const USAGE = 'platform.billing.usage.metered';
const at = new Date('2026-12-02T10:00:00.000Z');
const later = new Date('2026-12-02T10:05:00.000Z');

const facts = (changes: Partial<FlowFacts>): FlowFacts => ({
  produced: [],
  records: new Map(),
  recordIdsOf: () => undefined,
  letters: [],
  ...changes,
});

describe('assembleFlow', () => {
  it('shows a poison event as dead-lettered and its repaired revision as applied', () => {
    const flow = assembleFlow('corr-1', 'corr-1', {
      ...facts({}),
      records: new Map([
        [
          'record-repaired',
          {
            recordId: 'record-repaired',
            consumer: 'billing-worker',
            eventType: USAGE,
            eventId: 'event-repaired',
            state: 'completed',
            completedAt: later,
          },
        ],
      ]),
      letters: [
        {
          id: 'letter-1',
          consumer: 'billing-worker',
          eventType: USAGE,
          eventId: 'event-poison',
          reasonCode: 'payload_invalid',
          status: 'replayed',
          firstSeenAt: at,
          producer: 'billing-test',
        },
      ],
    });
    const outcome = (eventId: string) =>
      flow.events.find((e) => e.event_id === eventId)?.consumers[0];
    expect(outcome('event-poison')).toMatchObject({
      consumer: 'billing-worker',
      outcome: 'dead_lettered',
      at: at.toISOString(),
      dead_letter_id: 'letter-1',
    });
    expect(outcome('event-poison')?.detail).toContain('replayed');
    expect(outcome('event-repaired')).toMatchObject({
      outcome: 'applied',
      at: later.toISOString(),
    });
    // An event that came through no outbox of ours still names the producer its message said.
    expect(flow.events.find((e) => e.event_id === 'event-poison')?.producer).toBe('billing-test');
    // In the order things happened: the poison first.
    expect(flow.events.map((e) => e.event_id)).toEqual(['event-poison', 'event-repaired']);
  });

  it('says nothing reached a consumer that has neither a record nor a dead letter', () => {
    const flow = assembleFlow('e-1', 'corr-2', {
      ...facts({}),
      produced: [
        {
          eventId: 'e-1',
          eventType: USAGE,
          attributes: { producer: 'provisioning-worker' },
          committedAt: at,
          publishedAt: null,
        },
      ],
    });
    expect(flow.events[0]?.consumers).toEqual([
      {
        consumer: 'billing-worker',
        outcome: 'not_yet_delivered',
        at: null,
        detail: null,
        dead_letter_id: null,
      },
    ]);
  });
});
