// Replays end to end on one bus: a real consumer that failed, a second consumer of the same
// event type, the archive, and the replay task between them; through real Pub/Sub push.
import { waitFor } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DryRun, Replay } from '../src/routes/replay-schemas';
import type { DeadLetterDetail, DeadLetterSummary } from '../src/routes/schemas';
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
import { published, pushLetter } from './letters';

type Page = { items: DeadLetterSummary[]; next_cursor: string | null };

async function entryOf(h: ReplayHarness, correlationId: string, timeout = 30_000) {
  return waitFor(
    async () => {
      const page = await h.api<Page>('GET', '/v1/dead-letters?consumer=billing-worker&limit=100');
      return page.body.items.find((item) => item.correlation_id === correlationId);
    },
    { timeoutMs: timeout, message: `dead letter ${correlationId}` },
  );
}

async function finished(h: ReplayHarness, replayId: string, timeout = 30_000): Promise<Replay> {
  return waitFor(
    async () => {
      const res = await h.api<Replay>('GET', `/v1/replays/${replayId}`);
      return ['completed', 'cancelled', 'failed'].includes(res.body.status) ? res.body : undefined;
    },
    { timeoutMs: timeout, message: `replay ${replayId} finished` },
  );
}

describe('replay of a poison event after the cause is fixed', () => {
  let h: ReplayHarness;
  const board = new Switchboard();
  let relay: Awaited<ReturnType<ReplayHarness['consumer']>>;

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-e2e');
    await h.archiveSubscription('billing-worker');
    await h.archiveSubscription('notification-relay');
    await h.consumer('billing-worker', [billingConsumer(board)]);
    relay = await h.consumer('notification-relay', [relayConsumer()]);
  });
  afterAll(() => h.close());

  it('is processed once by the consumer that failed, skipped by the other, and a second replay changes nothing', async () => {
    const payload = activePayload();
    board.set(payload.allocation_id, 'reject');
    const correlationId = `poison-${payload.allocation_id}`;
    await h.bus.publish(ACTIVE, payload, { correlationId });
    const entry = await entryOf(h, correlationId);
    expect(entry.reason.code).toBe('handler_rejected');
    await waitFor(
      async () => (await appliedCount(h.firestore, RELAY_APPLIED, payload.allocation_id)) === 1,
      { timeoutMs: 20_000 },
    );

    board.set(payload.allocation_id, 'apply');
    const dry = await h.api<DryRun>('POST', '/v1/replays', {
      body: { ids: [entry.id], dry_run: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.body.counts).toMatchObject({
      selected: 1,
      to_move: 1,
      invalid: 0,
      already_applied: 0,
    });
    expect(dry.body.entries[0]).toMatchObject({
      id: entry.id,
      action: 'republish',
      standing: 'not_applied',
    });

    const created = await h.api<Replay>('POST', '/v1/replays', {
      body: { ids: [entry.id], reason: 'ledger fixed' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'running', created_by: 'local-operator' });
    const done = await finished(h, created.body.id);
    expect(done).toMatchObject({
      status: 'completed',
      counts: { to_move: 1, moved: 1, failed: 0 },
    });

    await waitFor(
      async () => (await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)) === 1,
      { timeoutMs: 20_000 },
    );
    // The relay got the replay too (the emulator ignores filters) and skipped it by replay_target.
    await waitFor(() => skipped(relay.service.metrics.snapshot()) >= 1, { timeoutMs: 20_000 });
    expect(await appliedCount(h.firestore, RELAY_APPLIED, payload.allocation_id)).toBe(1);

    const detail = await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`);
    expect(detail.body).toMatchObject({ status: 'replayed', replay_count: 1 });
    expect(detail.body.last_replay).toMatchObject({
      replay_id: created.body.id,
      by: 'local-operator',
    });
    expect(detail.body.dedupe.standing).toBe('already_applied');

    const again = await h.api<Replay>('POST', '/v1/replays', { body: { ids: [entry.id] } });
    const second = await finished(h, again.body.id);
    expect(second.counts).toMatchObject({ to_move: 0, moved: 0, skipped: 1 });
    expect(second.skipped.not_parked).toBe(1);
    const byFilter = await h.api<DryRun>('POST', '/v1/replays', {
      body: { filter: { consumer: 'billing-worker', event_type: ACTIVE }, dry_run: true },
    });
    expect(byFilter.body.entries.map((e) => e.id)).not.toContain(entry.id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)).toBe(1);
    expect(await appliedCount(h.firestore, RELAY_APPLIED, payload.allocation_id)).toBe(1);
  }, 90_000);

  it('a replay that fails again reopens its entry, with its history', async () => {
    const payload = activePayload();
    board.set(payload.allocation_id, 'reject');
    const correlationId = `again-${payload.allocation_id}`;
    await h.bus.publish(ACTIVE, payload, { correlationId });
    const entry = await entryOf(h, correlationId);
    // Replayed before the cause is fixed: the consumer dead-letters it again.
    const created = await h.api<Replay>('POST', '/v1/replays', { body: { ids: [entry.id] } });
    await finished(h, created.body.id);
    const reopened = await waitFor(
      async () => {
        const detail = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
        return detail.seen_count === 2 && detail.status === 'parked' ? detail : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(reopened).toMatchObject({ replay_count: 1, reason: { code: 'handler_rejected' } });
    expect(reopened.history.map((item) => item.kind)).toEqual(['archived', 'replayed', 'reopened']);
    expect(reopened.history[2]).toMatchObject({ replay_id: created.body.id, replay_count: 1 });
    const page = await h.api<Page>('GET', '/v1/dead-letters?consumer=billing-worker&limit=100');
    expect(page.body.items.filter((item) => item.correlation_id === correlationId)).toHaveLength(1);

    board.set(payload.allocation_id, 'apply');
    const again = await h.api<Replay>('POST', '/v1/replays', { body: { ids: [entry.id] } });
    expect((await finished(h, again.body.id)).counts.moved).toBe(1);
    await waitFor(
      async () => (await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)) === 1,
      { timeoutMs: 20_000 },
    );
    const replayed = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
    expect(replayed).toMatchObject({ status: 'replayed', replay_count: 2 });
  }, 90_000);

  it('a dry run changes nothing and its counts are what the real run then does', async () => {
    const fixable = [activePayload(), activePayload(), activePayload()];
    const tag = `mix-${Date.now()}`;
    for (const [i, payload] of fixable.entries()) {
      board.set(payload.allocation_id, 'reject');
      await h.bus.publish(ACTIVE, payload, { correlationId: `${tag}-${i}` });
    }
    // One the consumer already applied, dead-lettered anyway; one that fails validation.
    const appliedPayload = activePayload();
    const applied = published(ACTIVE, appliedPayload, `${tag}-applied`);
    await h.bus.pubsub
      .topic(ACTIVE)
      .publishMessage({ data: applied.data, attributes: applied.attributes });
    await waitFor(
      async () =>
        (await appliedCount(h.firestore, BILLING_APPLIED, appliedPayload.allocation_id)) === 1,
      { timeoutMs: 20_000 },
    );
    expect(await pushLetter(h, 'billing-worker', ACTIVE, applied.data, applied.attributes)).toBe(
      204,
    );
    const invalid = published(ACTIVE, activePayload(), `${tag}-invalid`);
    const broken = JSON.parse(invalid.data.toString());
    broken.payload.gpu_count = -1;
    expect(
      await pushLetter(
        h,
        'billing-worker',
        ACTIVE,
        JSON.stringify(broken),
        invalid.attributes,
        'payload_invalid',
      ),
    ).toBe(204);
    for (let i = 0; i < 3; i++) await entryOf(h, `${tag}-${i}`);
    for (const payload of fixable) board.set(payload.allocation_id, 'apply');

    const filter = {
      consumer: 'billing-worker',
      from: new Date(Date.now() - 60_000).toISOString(),
    };
    const before = await h.api<Page>(
      'GET',
      '/v1/dead-letters?consumer=billing-worker&status=parked&limit=100',
    );
    const dry = await h.api<DryRun>('POST', '/v1/replays', { body: { filter, dry_run: true } });
    expect(dry.body.counts).toMatchObject({
      selected: 5,
      to_move: 4,
      invalid: 1,
      already_applied: 1,
      skipped: 1,
    });
    expect(dry.body.skipped.invalid).toBe(1);
    const after = await h.api<Page>(
      'GET',
      '/v1/dead-letters?consumer=billing-worker&status=parked&limit=100',
    );
    expect(after.body.items).toEqual(before.body.items);
    for (const payload of fixable)
      expect(await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)).toBe(0);

    const created = await h.api<Replay>('POST', '/v1/replays', { body: { filter } });
    const done = await finished(h, created.body.id);
    expect(done.counts).toMatchObject({
      ...dry.body.counts,
      moved: dry.body.counts.to_move,
      failed: 0,
    });
    for (const payload of fixable) {
      await waitFor(
        async () => (await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)) === 1,
        { timeoutMs: 20_000 },
      );
    }
    expect(await appliedCount(h.firestore, BILLING_APPLIED, appliedPayload.allocation_id)).toBe(1);
    const stillParked = await h.api<Page>(
      'GET',
      '/v1/dead-letters?consumer=billing-worker&status=parked&reason=payload_invalid',
    );
    expect(stillParked.body.items).toHaveLength(1);
  }, 90_000);
});

/** Deliveries the relay acknowledged without applying: a replay aimed at billing-worker. */
const skipped = (tally: Record<string, number>) =>
  Object.entries(tally)
    .filter(([key]) => key.startsWith(`${ACTIVE}.notification-relay|skipped|`))
    .reduce((sum, [, n]) => sum + n, 0);
