// Repair and resubmit, and discard: one entry's payload edited, validated before it is kept,
// replayed as a new version of the event; the original stays in the history.
import { waitFor } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Replay } from '../src/routes/replay-schemas';
import type { DeadLetterDetail, DeadLetterSummary } from '../src/routes/schemas';
import { ACTIVE, activePayload, BILLING_APPLIED, billingConsumer, Switchboard } from './fixtures';
import { ReplayHarness } from './harness';
import { published } from './letters';

type Page = { items: DeadLetterSummary[]; next_cursor: string | null };
type Audit = {
  items: {
    action: string;
    actor: string;
    entry_ids: string[];
    reason: string | null;
    revision: number | null;
    counts: Record<string, number> | null;
  }[];
};

describe('repair and discard', () => {
  let h: ReplayHarness;
  const board = new Switchboard();

  const sent = new Map<string, { data: Buffer; attributes: Record<string, string> }>();

  /** A schema-invalid event through the real consumer, to its archive entry. */
  async function invalidEntry(tag: string) {
    const payload = activePayload();
    const event = published(ACTIVE, payload, tag);
    const envelope = JSON.parse(event.data.toString());
    envelope.payload.gpu_count = 0;
    const message = { data: Buffer.from(JSON.stringify(envelope)), attributes: event.attributes };
    sent.set(tag, message);
    await h.bus.pubsub.topic(ACTIVE).publishMessage(message);
    const entry = await waitFor(
      async () =>
        (
          await h.api<Page>('GET', '/v1/dead-letters?reason=payload_invalid&limit=100')
        ).body.items.find((i) => i.correlation_id === tag),
      { timeoutMs: 30_000 },
    );
    return { entry, payload };
  }

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-repair');
    await h.archiveSubscription('billing-worker');
    await h.consumer('billing-worker', [billingConsumer(board)]);
  });
  afterAll(() => h.close());

  it('refuses a repaired payload that fails validation, and changes nothing', async () => {
    const { entry, payload } = await invalidEntry(`repair-bad-${Date.now()}`);
    const res = await h.api<{ reason: string; errors: { pointer: string; detail: string }[] }>(
      'POST',
      `/v1/dead-letters/${entry.id}/repairs`,
      { body: { payload_json: JSON.stringify({ ...payload, gpu_count: -3 }), reason: 'try' } },
    );
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('repair_invalid');
    expect(res.body.errors[0]?.detail).toContain('/payload/gpu_count');
    const notJson = await h.api<{ reason: string }>(
      'POST',
      `/v1/dead-letters/${entry.id}/repairs`,
      {
        body: { payload_json: '{"gpu_count": ', reason: 'try' },
      },
    );
    expect(notJson.status).toBe(400);
    const detail = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
    expect(detail).toMatchObject({ status: 'parked', current_revision: 0, revisions: [] });
    expect((await h.api<{ items: unknown[] }>('GET', '/v1/replays')).body.items).toEqual([]);
  });

  it('a valid repair is processed once, as a new version, and the original stays in the history', async () => {
    const tag = `repair-good-${Date.now()}`;
    const { entry, payload } = await invalidEntry(tag);
    const original = await fetch(`${h.replay.url}/v1/dead-letters/${entry.id}/data`).then((r) =>
      r.text(),
    );
    const res = await h.api<{ revision: number; event_id: string; replay: Replay }>(
      'POST',
      `/v1/dead-letters/${entry.id}/repairs`,
      {
        body: {
          payload_json: JSON.stringify({ ...payload, gpu_count: 2 }),
          reason: 'gpu_count was 0',
        },
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.revision).toBe(1);
    expect(res.body.event_id).not.toBe(entry.event_id);
    expect(res.body.replay.repair).toEqual({ entry_id: entry.id, revision: 1 });
    const applied = h.firestore.collection(BILLING_APPLIED).doc(payload.allocation_id);
    await waitFor(async () => (await applied.get()).get('applied') === 1, { timeoutMs: 30_000 });
    expect((await applied.get()).data()).toMatchObject({
      gpu_count: 2,
      event_id: res.body.event_id,
    });

    await waitFor(
      async () =>
        (await h.api<Replay>('GET', `/v1/replays/${res.body.replay.id}`)).body.status ===
        'completed',
      { timeoutMs: 20_000 },
    );
    const detail = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
    expect(detail).toMatchObject({ status: 'replayed', current_revision: 1, replay_count: 1 });
    expect(detail.revisions).toEqual([
      expect.objectContaining({
        revision: 1,
        event_id: res.body.event_id,
        created_by: 'local-operator',
        reason: 'gpu_count was 0',
      }),
    ]);
    expect(detail.history.map((item) => item.kind)).toEqual(['archived', 'repaired', 'replayed']);
    expect(detail.dedupe.standing).toBe('already_applied');
    // The original bytes are kept as they arrived; the repair is revision 1.
    expect(
      await fetch(`${h.replay.url}/v1/dead-letters/${entry.id}/data`).then((r) => r.text()),
    ).toBe(original);
    const repaired = JSON.parse(
      await fetch(`${h.replay.url}/v1/dead-letters/${entry.id}/data?revision=1`).then((r) =>
        r.text(),
      ),
    );
    expect(repaired).toMatchObject({
      event_id: res.body.event_id,
      correlation_id: tag,
      payload: { gpu_count: 2 },
    });

    const audit = (await h.api<Audit>('GET', '/v1/audit')).body.items;
    expect(audit.find((a) => a.action === 'repaired')).toMatchObject({
      actor: 'local-operator',
      entry_ids: [entry.id],
      revision: 1,
      reason: 'gpu_count was 0',
    });
    expect(audit.find((a) => a.action === 'replay_started')).toMatchObject({
      actor: 'local-operator',
      entry_ids: [entry.id],
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await applied.get()).get('applied')).toBe(1);
  }, 60_000);

  it('discards with a reason, audited; a discarded entry is not replayed until it is dead-lettered again', async () => {
    const tag = `discard-${Date.now()}`;
    const { entry } = await invalidEntry(tag);
    const dry = await h.api<{ discarded: number }>('POST', '/v1/discards', {
      body: { ids: [entry.id], reason: 'test data', dry_run: true },
    });
    expect(dry.body.discarded).toBe(1);
    expect((await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body.status).toBe(
      'parked',
    );
    const res = await h.api<{ discarded: number; not_parked: number }>('POST', '/v1/discards', {
      body: { ids: [entry.id], reason: 'test data' },
    });
    expect(res.body).toMatchObject({ discarded: 1, not_parked: 0 });
    const detail = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
    expect(detail).toMatchObject({
      status: 'discarded',
      discard: { by: 'local-operator', reason: 'test data' },
    });
    const again = await h.api<{ discarded: number; not_parked: number }>('POST', '/v1/discards', {
      body: { ids: [entry.id], reason: 'twice' },
    });
    expect(again.body).toMatchObject({ discarded: 0, not_parked: 1 });
    const replay = await h.api<{ counts: Replay['counts'] }>('POST', '/v1/replays', {
      body: { ids: [entry.id], dry_run: true },
    });
    expect(replay.body.counts.to_move).toBe(0);
    const audit = (await h.api<Audit>('GET', '/v1/audit')).body.items;
    expect(audit.find((a) => a.action === 'discarded' && a.reason === 'test data')).toMatchObject({
      actor: 'local-operator',
      entry_ids: [entry.id],
      counts: { discarded: 1, not_parked: 0, not_found: 0 },
    });
    // The producer sends the same bytes again: the consumer dead-letters them, the entry reopens.
    await h.bus.pubsub
      .topic(ACTIVE)
      .publishMessage(sent.get(tag) as { data: Buffer; attributes: Record<string, string> });
    const reopened = await waitFor(
      async () => {
        const d = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry.id}`)).body;
        return d.status === 'parked' ? d : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(reopened).toMatchObject({ seen_count: 2, discard: null });
    expect(reopened.history.map((item) => item.kind)).toEqual([
      'archived',
      'discarded',
      'reopened',
    ]);
  }, 60_000);
});
