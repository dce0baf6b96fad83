import { examples } from '@gpuaas/contracts';
import { encodeEvent } from '@gpuaas/eventing';
import { describe, expect, it } from 'vitest';
import { archiveChange, eligibility } from './entry-status';
import { incomingLetter } from './incoming-letter';
import { replayAttributes, splitAttributes } from './letter-attributes';
import { chunksOf, peekEvent } from './letter-data';
import { entryIdOf, letterIdOf } from './letter-identity';
import { letterReason } from './letter-reason';
import { letterRoute } from './letter-source';
import { dedupeStanding, validateLetter } from './letter-validation';
import { batchSize, releaseAt } from './rate-limit';

const ACTIVE = 'gpuaas.provisioning.active';

describe('dead-letter attributes', () => {
  it('splits what the producer sent from what dead-lettering and replays added', () => {
    const split = splitAttributes({
      event_type: ACTIVE,
      event_id: 'e',
      dlq_reason: 'payload_invalid',
      source_subscription: 's',
      CloudPubSubDeadLetterSourceDeliveryCount: '5',
      replay_id: 'rpl_1',
      replay_of: 'dl_x',
    });
    expect(split.original).toEqual({ event_type: ACTIVE, event_id: 'e' });
    expect(split.deadLetter).toEqual({
      dlq_reason: 'payload_invalid',
      source_subscription: 's',
      CloudPubSubDeadLetterSourceDeliveryCount: '5',
    });
    expect(split.replay).toEqual({ replay_id: 'rpl_1', replay_of: 'dl_x' });
  });

  it('stamps a replay and drops keys Pub/Sub would refuse', () => {
    const attributes = replayAttributes(
      { event_id: 'e', googleThing: 'x' },
      {
        target: `${ACTIVE}.billing-worker`,
        replayId: 'rpl_1',
        count: 2,
        entryId: 'dl_a',
        revision: 1,
        overrides: { event_id: 'e2' },
      },
    );
    expect(attributes).toEqual({
      event_id: 'e2',
      replay_target: `${ACTIVE}.billing-worker`,
      replay_id: 'rpl_1',
      replay_count: '2',
      replay_of: 'dl_a',
      replay_revision: '1',
    });
  });
});

describe('reasons and routes', () => {
  it("reads our consumers' reason, Pub/Sub's own, or says it does not know", () => {
    expect(letterReason({ dlq_reason: 'handler_rejected', dlq_detail: 'no' })).toEqual({
      source: 'consumer',
      code: 'handler_rejected',
      detail: 'no',
      deliveryCount: null,
    });
    expect(
      letterReason({
        CloudPubSubDeadLetterSourceDeliveryCount: '7',
        CloudPubSubDeadLetterSourceSubscription: 's',
      }),
    ).toMatchObject({ source: 'pubsub', code: 'delivery_attempts_exhausted', deliveryCount: 7 });
    expect(letterReason({})).toMatchObject({ source: 'unknown', code: 'unknown' });
  });

  it('replays only to a catalog subscription of the consumer that dead-lettered it', () => {
    expect(letterRoute('billing-worker', `${ACTIVE}.billing-worker`, null)).toMatchObject({
      eventType: ACTIVE,
      topic: ACTIVE,
    });
    expect(letterRoute('billing-worker', `${ACTIVE}.notification-relay`, null).topic).toBeNull();
    expect(
      letterRoute('billing-worker', 'gpuaas.provisioning.requested.billing-worker', null).topic,
    ).toBeNull();
    expect(letterRoute('billing-worker', null, ACTIVE)).toMatchObject({
      subscription: `${ACTIVE}.billing-worker`,
      topic: ACTIVE,
    });
    expect(letterRoute('billing-worker', null, null)).toMatchObject({
      subscription: 'unknown.billing-worker',
      topic: null,
    });
  });
});

describe('identity', () => {
  it('one entry per subscription and bytes; a replayed message names its entry', () => {
    const a = entryIdOf('s1', undefined, 'sha-a');
    expect(entryIdOf('s1', undefined, 'sha-a')).toBe(a);
    expect(entryIdOf('s2', undefined, 'sha-a')).not.toBe(a);
    expect(entryIdOf('s1', undefined, 'sha-b')).not.toBe(a);
    expect(entryIdOf('s1', a, 'sha-b')).toBe(a);
    expect(entryIdOf('s1', 'dl_not-an-id', 'sha-a')).toBe(a);
    expect(letterIdOf('m1', 'x', 's')).toBe(letterIdOf('m1', 'y', 's'));
    expect(letterIdOf(undefined, 'x', 's')).not.toBe(letterIdOf(undefined, 'y', 's'));
  });

  it('keeps bytes that are not base64 as the text that arrived', () => {
    const letter = incomingLetter('billing-worker', {
      dataBase64: '%%%not base64',
      attributes: {},
      messageId: '1',
    });
    expect(letter.dataBase64Valid).toBe(false);
    expect(letter.data.toString()).toBe('%%%not base64');
    expect(letter.reason.code).toBe('unknown');
  });

  it('peeks at envelope fields without trusting them', () => {
    expect(peekEvent(Buffer.from('[1]')).json).toBeNull();
    expect(peekEvent(Buffer.from([0xff])).eventId).toBeNull();
    expect(
      peekEvent(Buffer.from(JSON.stringify({ event_id: 'x'.repeat(300), event_type: ACTIVE })))
        .eventId,
    ).toBeNull();
    expect(chunksOf(Buffer.alloc(10), 4).map((c) => c.length)).toEqual([4, 4, 2]);
    expect(chunksOf(Buffer.alloc(0))).toHaveLength(1);
  });
});

describe('entry status', () => {
  it('a forward of one dead-lettering changes nothing; a new one on a replayed entry reopens it', () => {
    expect(archiveChange(undefined, 'l1')).toBe('created');
    expect(archiveChange({ status: 'parked', letter_ids: ['l1'] }, 'l1')).toBe('duplicate');
    expect(archiveChange({ status: 'parked', letter_ids: ['l1'] }, 'l2')).toBe('seen_again');
    expect(archiveChange({ status: 'replayed', letter_ids: ['l1'] }, 'l2')).toBe('reopened');
    expect(archiveChange({ status: 'discarded', letter_ids: ['l1'] }, 'l2')).toBe('reopened');
  });

  it('replays only parked, routable entries within the dedupe horizon and under the guard', () => {
    const now = new Date('2026-01-10T00:00:00Z');
    const entry = {
      status: 'parked' as const,
      topic: ACTIVE,
      replay_count: 0,
      replay_deadline: new Date('2026-02-01T00:00:00Z'),
    };
    expect(eligibility(entry, now, 3)).toBe('eligible');
    expect(eligibility({ ...entry, status: 'replayed' }, now, 3)).toBe('not_parked');
    expect(eligibility({ ...entry, topic: null }, now, 3)).toBe('unroutable');
    expect(eligibility({ ...entry, replay_deadline: now }, now, 3)).toBe('past_deadline');
    expect(eligibility({ ...entry, replay_count: 3 }, now, 3)).toBe('replay_limit');
  });
});

describe('rate limit', () => {
  it('N messages at R per second go out no sooner than N / R seconds after the start', () => {
    for (const rate of [1, 5, 50, 1000, 5000]) {
      const size = batchSize(rate);
      expect(size).toBeGreaterThanOrEqual(1);
      expect(size).toBeLessThanOrEqual(200);
      let sent = 0;
      let last = 0;
      while (sent < 1000) {
        const n = Math.min(size, 1000 - sent);
        last = releaseAt(0, sent, n, rate);
        sent += n;
      }
      expect(last).toBeGreaterThanOrEqual((1000 / rate) * 1000);
    }
  });
});

describe('validation and dedupe standing', () => {
  it("validates against the consumer's schema and finds its dedupe record", () => {
    const message = encodeEvent(ACTIVE, examples[ACTIVE], 'p', { correlationId: 'c' });
    const valid = validateLetter(message.data, 'billing-worker', ACTIVE);
    expect(valid.ok).toBe(true);
    const other = validateLetter(message.data, 'notification-relay', ACTIVE);
    if (!valid.ok || !other.ok) throw new Error('expected valid');
    expect(valid.recordId).not.toBe(other.recordId);
    const broken = JSON.parse(message.data.toString());
    broken.payload.gpu_count = 0;
    const invalid = validateLetter(Buffer.from(JSON.stringify(broken)), 'billing-worker', ACTIVE);
    expect(invalid).toMatchObject({ ok: false, code: 'payload_invalid' });
    expect(validateLetter(Buffer.from('{'), 'billing-worker', ACTIVE)).toMatchObject({
      ok: false,
      code: 'not_json',
    });
    expect(validateLetter(message.data, 'billing-worker', null)).toMatchObject({
      ok: false,
      code: 'unroutable',
    });

    expect(dedupeStanding(undefined, valid.fingerprint, '1.0')).toBe('not_applied');
    expect(
      dedupeStanding(
        { state: 'completed', payload_hash: valid.fingerprint, payload_version: '1.0' },
        valid.fingerprint,
        '1.0',
      ),
    ).toBe('already_applied');
    expect(
      dedupeStanding(
        { state: 'completed', payload_hash: 'other', payload_version: '1.0' },
        valid.fingerprint,
        '1.0',
      ),
    ).toBe('conflict');
    expect(
      dedupeStanding(
        { state: 'in_progress', payload_hash: valid.fingerprint, payload_version: '1.0' },
        valid.fingerprint,
        '1.0',
      ),
    ).toBe('in_progress');
  });
});
