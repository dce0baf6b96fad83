// Dead letters reach the archive through real Pub/Sub push: our consumers' dead-lettering and
// Pub/Sub's own, any bytes up to 10 MB, each dead letter one entry however often it is forwarded.
import { createHash, randomBytes } from 'node:crypto';
import { postPush, rawPushBody, type TopicTap } from '@gpuaas/eventing/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTERS } from '../src/store/collections';
import { createDataStore } from '../src/store/data-store';
import type { DeadLetterRecord } from '../src/store/dead-letter-record';
import {
  ACTIVE,
  activePayload,
  appliedCount,
  BILLING_APPLIED,
  billingConsumer,
  RELAY_APPLIED,
  relayConsumer,
  Switchboard,
} from './fixtures';
import { ReplayHarness } from './harness';

/** The exact bytes published for `correlationId`, as a pull subscription on its topic got them. */
const publishedBytes = async (tap: TopicTap, correlationId: string) =>
  Buffer.from(
    (await tap.waitFor((m) => m.attributes.correlation_id === correlationId)).data,
    'utf8',
  );

const entriesWhere = async (h: ReplayHarness, field: string, value: string) =>
  (await h.firestore.collection(DEAD_LETTERS).where(field, '==', value).get()).docs.map(
    (doc) => doc.data() as DeadLetterRecord,
  );

describe('archive', () => {
  let h: ReplayHarness;
  let published: TopicTap;
  const board = new Switchboard();

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-archive');
    published = await h.bus.tap(ACTIVE);
    await h.archiveSubscription('billing-worker');
    await h.consumer('billing-worker', [billingConsumer(board)]);
  });
  afterAll(() => h.close());

  it('archives a poison event with its reason, attributes and original bytes', async () => {
    const payload = activePayload();
    board.set(payload.allocation_id, 'reject');
    const correlationId = `poison-${payload.allocation_id}`;
    await h.bus.publish(ACTIVE, payload, { correlationId });
    await expect
      .poll(async () => (await entriesWhere(h, 'correlation_id', correlationId)).length, {
        timeout: 30_000,
      })
      .toBe(1);
    const [entry] = await entriesWhere(h, 'correlation_id', correlationId);
    expect(entry).toMatchObject({
      consumer: 'billing-worker',
      source_subscription: `${ACTIVE}.billing-worker`,
      topic: ACTIVE,
      event_type: ACTIVE,
      status: 'parked',
      reason_code: 'handler_rejected',
      reason: { source: 'consumer', code: 'handler_rejected', delivery_count: null },
      seen_count: 1,
      replay_count: 0,
    });
    expect(entry?.reason.detail).toContain('is not billable');
    expect(entry?.attributes).toMatchObject({ event_type: ACTIVE, correlation_id: correlationId });
    expect(entry?.attributes.dlq_reason).toBeUndefined();
    expect(entry?.dead_letter_attributes).toMatchObject({
      dlq_reason: 'handler_rejected',
      source_subscription: `${ACTIVE}.billing-worker`,
    });
    const data = Buffer.from(entry?.data.inline ?? []);
    expect(data.equals(await publishedBytes(published, correlationId))).toBe(true);
    expect(JSON.parse(data.toString()).payload).toEqual(payload);
    // The entry outlives the consumers' dedupe horizon no less than a safe replay needs.
    const first = entry?.first_seen_at.toMillis() ?? 0;
    expect(entry?.replay_deadline.toMillis()).toBe(first + 45 * 86_400_000);
    expect(entry?.expire_at.toMillis()).toBeGreaterThanOrEqual(
      entry?.replay_deadline.toMillis() ?? 0,
    );
  });

  it('archives a 9 MB dead letter whole, split across chunk documents', async () => {
    const bytes = randomBytes(9 * 1024 * 1024);
    const marker = `big-${Date.now()}`;
    await h.bus.createTopics(ACTIVE);
    await h.bus.pubsub.topic(ACTIVE).publishMessage({ data: bytes, attributes: { marker } });
    const sha = createHash('sha256').update(bytes).digest('hex');
    await expect
      .poll(
        async () =>
          (await h.firestore.collection(DEAD_LETTERS).where('data.sha256', '==', sha).get()).size,
        {
          timeout: 60_000,
        },
      )
      .toBe(1);
    const [entry] = await entriesWhere(h, 'data.sha256', sha);
    expect(entry).toMatchObject({
      reason_code: 'not_json',
      data: { size: bytes.length, inline: null },
    });
    expect(entry?.data.chunks).toBe(11);
    expect(entry?.attributes.marker).toBe(marker);
    const record = entry as DeadLetterRecord;
    const stored = await createDataStore(h.firestore).get(record.id, record.data);
    expect(stored.equals(bytes)).toBe(true);
  }, 90_000);

  it('keeps bytes that are neither UTF-8 nor JSON exactly', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x7b]);
    const res = await postPush(
      h.replay.service.app,
      '/push/dead-letter/billing-worker',
      rawPushBody(bytes, {
        dlq_reason: 'not_json',
        dlq_detail: 'Unexpected token',
        source_subscription: `${ACTIVE}.billing-worker`,
        source_message_id: `m-${Date.now()}`,
        dead_lettered_at: new Date().toISOString(),
      }),
    );
    expect(res.status).toBe(204);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const [entry] = await entriesWhere(h, 'data.sha256', sha);
    expect(Buffer.from(entry?.data.inline ?? []).equals(bytes)).toBe(true);
    expect(entry?.event_type).toBeNull();
    expect(entry?.topic).toBe(ACTIVE);
  });

  it('one dead letter forwarded three times at once is one entry; a second dead-lettering is seen again', async () => {
    const data = JSON.stringify({ not: 'an event', at: Date.now() });
    const letter = (sourceMessageId: string) =>
      rawPushBody(
        data,
        {
          dlq_reason: 'envelope_invalid',
          dlq_detail: '/event_id: required',
          source_subscription: `${ACTIVE}.billing-worker`,
          source_message_id: sourceMessageId,
          dead_lettered_at: new Date().toISOString(),
        },
        { messageId: `dlq-${sourceMessageId}` },
      );
    const first = letter(`src-${Date.now()}`);
    const answers = await Promise.all(
      [0, 1, 2].map(() =>
        postPush(h.replay.service.app, '/push/dead-letter/billing-worker', first),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual([204, 204, 204]);
    const sha = createHash('sha256').update(data).digest('hex');
    let entries = await entriesWhere(h, 'data.sha256', sha);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.seen_count).toBe(1);
    expect(entries[0]?.history.map((item) => item.kind)).toEqual(['archived']);

    await postPush(
      h.replay.service.app,
      '/push/dead-letter/billing-worker',
      letter(`src2-${Date.now()}`),
    );
    entries = await entriesWhere(h, 'data.sha256', sha);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.seen_count).toBe(2);
    expect(entries[0]?.history.map((item) => item.kind)).toEqual(['archived', 'seen_again']);
  });
});

describe('archive of a transient failure that exhausts its delivery attempts', () => {
  // Its own project: the emulator's redelivery stalls when several messages back off together.
  let h: ReplayHarness;
  let published: TopicTap;
  const board = new Switchboard();
  beforeAll(async () => {
    h = await ReplayHarness.start('replay-exhaust');
    published = await h.bus.tap(ACTIVE);
    await h.archiveSubscription('billing-worker');
    await h.consumer('billing-worker', [billingConsumer(board)], { maxDeliveryAttempts: 5 });
    // A second consumer of the event type, which applied it the first time.
    await h.consumer('notification-relay', [relayConsumer()]);
  });
  afterAll(() => h.close());

  const payload = activePayload();
  it('is archived with Pub/Sub as its reason and the delivery count', async () => {
    board.set(payload.allocation_id, 'down');
    const correlationId = `down-${payload.allocation_id}`;
    await h.bus.publish(ACTIVE, payload, { correlationId });
    await expect
      .poll(async () => (await entriesWhere(h, 'correlation_id', correlationId)).length, {
        timeout: 60_000,
      })
      .toBe(1);
    const [entry] = await entriesWhere(h, 'correlation_id', correlationId);
    expect(entry).toMatchObject({
      source_subscription: `${ACTIVE}.billing-worker`,
      reason_code: 'delivery_attempts_exhausted',
      reason: { source: 'pubsub', delivery_count: 5 },
      status: 'parked',
    });
    expect(entry?.dead_letter_attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBe('5');
    expect(entry?.attributes.CloudPubSubDeadLetterSourceDeliveryCount).toBeUndefined();
    const data = Buffer.from(entry?.data.inline ?? []);
    expect(data.equals(await publishedBytes(published, correlationId))).toBe(true);
    expect(JSON.parse(data.toString()).payload).toEqual(payload);
  }, 90_000);

  it('after the cause is fixed, a replay is processed once by the consumer; the other applies nothing again, nor does a second replay', async () => {
    board.set(payload.allocation_id, 'apply');
    const [entry] = await entriesWhere(h, 'correlation_id', `down-${payload.allocation_id}`);
    const created = await h.api<{ id: string }>('POST', '/v1/replays', {
      body: { ids: [entry?.id] },
    });
    expect(created.status).toBe(201);
    await expect
      .poll(() => appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id), {
        timeout: 30_000,
      })
      .toBe(1);
    await expect
      .poll(
        async () =>
          (await h.api<{ status: string }>('GET', `/v1/replays/${created.body.id}`)).body.status,
        { timeout: 30_000 },
      )
      .toBe('completed');
    expect(
      (await entriesWhere(h, 'correlation_id', `down-${payload.allocation_id}`))[0]?.status,
    ).toBe('replayed');
    // A second replay of the entry moves nothing; neither consumer applies anything again.
    const again = await h.api<{ id: string }>('POST', '/v1/replays', {
      body: { ids: [entry?.id] },
    });
    expect(again.status).toBe(201);
    await expect
      .poll(
        async () =>
          (
            await h.api<{ status: string; counts: Record<string, number> }>(
              'GET',
              `/v1/replays/${again.body.id}`,
            )
          ).body,
        { timeout: 30_000 },
      )
      .toMatchObject({ status: 'completed', counts: { moved: 0, skipped: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)).toBe(1);
    expect(await appliedCount(h.firestore, RELAY_APPLIED, payload.allocation_id)).toBe(1);
  }, 60_000);
});
