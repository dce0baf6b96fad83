// Browsing the archive through the operator API: filters, pages, counts, and one entry decoded
// with its validation errors and its consumer's dedupe standing.
import { examples } from '@gpuaas/contracts';
import { waitFor } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterCounts, DeadLetterDetail, DeadLetterSummary } from '../src/routes/schemas';
import {
  ACTIVE,
  activePayload,
  appliedCount,
  BILLING_APPLIED,
  billingConsumer,
  Switchboard,
} from './fixtures';
import { ReplayHarness } from './harness';
import { published, pushLetter } from './letters';

type Page = { items: DeadLetterSummary[]; next_cursor: string | null };
const FAILED = 'gpuaas.provisioning.failed';

describe('browse', () => {
  let h: ReplayHarness;
  const board = new Switchboard();
  let appliedId: string;
  let invalidId: string;
  let startedAt: string;

  beforeAll(async () => {
    h = await ReplayHarness.start('replay-browse');
    startedAt = new Date().toISOString();
    const billing = await h.consumer('billing-worker', [billingConsumer(board)]);
    // An event the consumer applied; a copy of its exact bytes is dead-lettered anyway.
    const payload = activePayload();
    const applied = published(ACTIVE, payload);
    await h.bus.pubsub
      .topic(ACTIVE)
      .publishMessage({ data: applied.data, attributes: applied.attributes });
    await waitFor(
      async () => (await appliedCount(h.firestore, BILLING_APPLIED, payload.allocation_id)) === 1,
      {
        timeoutMs: 30_000,
      },
    );
    expect(billing.deadLetters('billing-worker').received).toEqual([]);
    expect(await pushLetter(h, 'billing-worker', ACTIVE, applied.data, applied.attributes)).toBe(
      204,
    );

    const invalid = published(ACTIVE, activePayload());
    const envelope = JSON.parse(invalid.data.toString());
    envelope.payload.gpu_count = 0;
    expect(
      await pushLetter(
        h,
        'billing-worker',
        ACTIVE,
        JSON.stringify(envelope),
        invalid.attributes,
        'payload_invalid',
      ),
    ).toBe(204);
    for (let i = 0; i < 3; i++) {
      const letter = published(FAILED, { ...examples[FAILED], allocation_id: `alloc-failed-${i}` });
      expect(
        await pushLetter(h, 'notification-relay', FAILED, letter.data, letter.attributes),
      ).toBe(204);
    }
    const page = await h.api<Page>('GET', '/v1/dead-letters?consumer=billing-worker');
    appliedId = page.body.items.find((i) => i.reason.code === 'handler_rejected')?.id ?? '';
    invalidId = page.body.items.find((i) => i.reason.code === 'payload_invalid')?.id ?? '';
  }, 60_000);
  afterAll(() => h.close());

  it('lists newest first and filters by consumer, event type, reason, status and time', async () => {
    const all = await h.api<Page>('GET', '/v1/dead-letters');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(5);
    const seen = all.body.items.map((i) => i.last_seen_at);
    expect([...seen].sort().reverse()).toEqual(seen);

    const relay = await h.api<Page>('GET', '/v1/dead-letters?consumer=notification-relay');
    expect(relay.body.items).toHaveLength(3);
    expect(
      relay.body.items.every((i) => i.source_subscription === `${FAILED}.notification-relay`),
    ).toBe(true);
    const byType = await h.api<Page>(`GET`, `/v1/dead-letters?event_type=${ACTIVE}`);
    expect(byType.body.items).toHaveLength(2);
    const byReason = await h.api<Page>('GET', '/v1/dead-letters?reason=payload_invalid');
    expect(byReason.body.items.map((i) => i.id)).toEqual([invalidId]);
    const parked = await h.api<Page>(
      'GET',
      '/v1/dead-letters?status=parked&consumer=billing-worker',
    );
    expect(parked.body.items).toHaveLength(2);
    expect((await h.api<Page>('GET', '/v1/dead-letters?status=replayed')).body.items).toEqual([]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await h.api<Page>('GET', `/v1/dead-letters?from=${future}`)).body.items).toEqual([]);
    expect(
      (await h.api<Page>('GET', `/v1/dead-letters?from=${startedAt}&to=${future}`)).body.items,
    ).toHaveLength(5);
  });

  it('pages with a cursor, never repeating or skipping an entry', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Page } = await h.api<Page>(
        'GET',
        `/v1/dead-letters?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      ids.push(...res.body.items.map((i) => i.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it('counts by consumer and reason', async () => {
    const res = await h.api<DeadLetterCounts>('GET', '/v1/dead-letters/counts');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.groups).toEqual([
      { consumer: 'notification-relay', reason: 'handler_rejected', count: 3 },
      { consumer: 'billing-worker', reason: 'handler_rejected', count: 1 },
      { consumer: 'billing-worker', reason: 'payload_invalid', count: 1 },
    ]);
    const parked = await h.api<DeadLetterCounts>('GET', '/v1/dead-letters/counts?status=discarded');
    expect(parked.body).toEqual({ groups: [], total: 0 });
  });

  it('shows one entry decoded, with "replaying this would be a no-op" when its consumer applied it', async () => {
    const res = await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${appliedId}`);
    expect(res.status).toBe(200);
    expect(res.body.validation).toEqual({ ok: true, code: null, errors: [] });
    expect(res.body.dedupe.standing).toBe('already_applied');
    expect(res.body.dedupe.replay_effect).toContain('would be a no-op');
    expect((res.body.envelope as { event_type: string }).event_type).toBe(ACTIVE);
    expect(res.body.history.map((item) => item.kind)).toEqual(['archived']);
  });

  it("shows the validation errors against the consumer's current schema", async () => {
    const res = await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${invalidId}`);
    expect(res.body.validation.ok).toBe(false);
    expect(res.body.validation.code).toBe('payload_invalid');
    expect(res.body.validation.errors.map((e) => e.path)).toContain('/payload/gpu_count');
    expect(res.body.dedupe.standing).toBe('unknown');
    expect(res.body.dedupe.replay_effect).toContain('fail validation again');
  });

  it('answers the exact bytes, and 404 for an unknown entry', async () => {
    const res = await fetch(`${h.replay.url}/v1/dead-letters/${appliedId}/data`);
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text()).event_type).toBe(ACTIVE);
    expect((await h.api('GET', `/v1/dead-letters/dl_${'0'.repeat(32)}`)).status).toBe(404);
    expect((await h.api('GET', '/v1/dead-letters/nope')).status).toBe(400);
    expect((await h.api('GET', '/v1/dead-letters?status=lost')).status).toBe(400);
  });
});
