// The replay task on its own: rate limit, cancel, a publish failure mid-task, a restart that
// leaves a replay to the run-replays task, and exactly what a replayed message carries.
import { examples } from '@gpuaas/contracts';
import { waitFor } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Replay } from '../src/routes/replay-schemas';
import type { DeadLetterDetail, DeadLetterSummary } from '../src/routes/schemas';
import { startReplayProcess } from './child-instance';
import { ReplayHarness } from './harness';
import { published, pushLetter } from './letters';

const FAILED = 'gpuaas.provisioning.failed';
const RELEASED = 'gpuaas.provisioning.releasing.completed';
type Page = { items: DeadLetterSummary[]; next_cursor: string | null };

async function finished(h: ReplayHarness, replayId: string, timeout = 120_000): Promise<Replay> {
  return waitFor(
    async () => {
      const res = await h.api<Replay>('GET', `/v1/replays/${replayId}`);
      return ['completed', 'cancelled', 'failed'].includes(res.body.status) ? res.body : undefined;
    },
    { timeoutMs: timeout, message: `replay ${replayId} finished` },
  );
}

/** n parked dead letters of notification-relay on `eventType`, tagged by reason. */
async function park(
  h: ReplayHarness,
  eventType: typeof FAILED | typeof RELEASED,
  n: number,
  reason: string,
) {
  for (let i = 0; i < n; i++) {
    const allocation_id = `alloc-${reason}-${i}`;
    const letter =
      eventType === FAILED
        ? published(FAILED, { ...examples[FAILED], allocation_id })
        : published(RELEASED, { ...examples[RELEASED], allocation_id });
    expect(
      await pushLetter(h, 'notification-relay', eventType, letter.data, letter.attributes, reason),
    ).toBe(204);
  }
  const page = await h.api<Page>('GET', `/v1/dead-letters?reason=${reason}&limit=100`);
  expect(page.body.items).toHaveLength(n);
  return page.body.items;
}

const statusCounts = async (h: ReplayHarness, reason: string) => {
  const page = await h.api<Page>('GET', `/v1/dead-letters?reason=${reason}&limit=100`);
  const counts: Record<string, number> = {};
  for (const item of page.body.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  return counts;
};

describe('replay task', () => {
  let h: ReplayHarness;
  beforeAll(async () => {
    h = await ReplayHarness.start('replay-task');
    await h.bus.createTopics(FAILED, RELEASED);
  });
  afterAll(() => h.close());

  it('republishes the original data and attributes with replay_target, replay_id and replay_count', async () => {
    const tap = await h.bus.tap(FAILED);
    const [entry] = await park(h, FAILED, 1, 'attrs_check');
    const detail = await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry?.id}`);
    const created = await h.api<Replay>('POST', '/v1/replays', { body: { ids: [entry?.id] } });
    expect((await finished(h, created.body.id)).counts.moved).toBe(1);
    const message = await tap.waitFor((m) => m.attributes.replay_id === created.body.id, 30_000);
    expect(message.data).toBe(detail.body.data_text);
    expect(message.attributes).toEqual({
      ...detail.body.attributes,
      replay_target: `${FAILED}.notification-relay`,
      replay_id: created.body.id,
      replay_count: '1',
      replay_of: entry?.id,
    });
  });

  it('holds the rate: N messages at R per second take at least N / R seconds', async () => {
    const entries = await park(h, FAILED, 10, 'rate_check');
    const started = Date.now();
    const created = await h.api<Replay>('POST', '/v1/replays', {
      body: { ids: entries.map((e) => e.id), rate_per_second: 5 },
    });
    const done = await finished(h, created.body.id);
    const elapsed = Date.now() - started;
    expect(done.counts.moved).toBe(10);
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(
      new Date(done.finished_at ?? 0).getTime() - new Date(done.started_at ?? 0).getTime(),
    ).toBeGreaterThanOrEqual(2_000);
  });

  it('cancel stops a running replay; what was not moved stays parked', async () => {
    const entries = await park(h, FAILED, 20, 'cancel_check');
    const created = await h.api<Replay>('POST', '/v1/replays', {
      body: { filter: { reason: 'cancel_check' }, rate_per_second: 2 },
    });
    await waitFor(
      async () =>
        (await h.api<Replay>('GET', `/v1/replays/${created.body.id}`)).body.counts.moved >= 2,
      {
        timeoutMs: 60_000,
      },
    );
    const cancelling = await h.api<Replay>('POST', `/v1/replays/${created.body.id}/cancel`);
    expect(cancelling.status).toBe(200);
    expect(['cancelling', 'cancelled']).toContain(cancelling.body.status);
    const done = await finished(h, created.body.id);
    expect(done.status).toBe('cancelled');
    expect(done.counts.moved).toBeLessThan(entries.length);
    const counts = await statusCounts(h, 'cancel_check');
    expect(counts).toEqual({
      replayed: done.counts.moved,
      parked: entries.length - done.counts.moved,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await statusCounts(h, 'cancel_check')).toEqual(counts);
  });

  it('a publish failure mid-replay fails the task and leaves the unpublished entries parked', async () => {
    const entries = await park(h, RELEASED, 10, 'publish_check');
    const created = await h.api<Replay>('POST', '/v1/replays', {
      body: { filter: { reason: 'publish_check' }, rate_per_second: 4 },
    });
    await waitFor(
      async () =>
        (await h.api<Replay>('GET', `/v1/replays/${created.body.id}`)).body.counts.moved >= 2,
      {
        timeoutMs: 60_000,
      },
    );
    // The topic goes away under the running replay: Pub/Sub refuses the next publish.
    await h.bus.pubsub.topic(RELEASED).delete();
    const done = await finished(h, created.body.id);
    expect(done.status).toBe('failed');
    expect(done.status_reason).toMatch(/^publish_failed/);
    expect(done.counts.failed).toBe(1);
    const counts = await statusCounts(h, 'publish_check');
    expect(counts).toEqual({
      replayed: done.counts.moved,
      parked: entries.length - done.counts.moved,
    });
    await h.bus.createTopics(RELEASED);
  });

  it('a replay whose instance was killed mid-task is finished by the run-replays task of another', async () => {
    const entries = await park(h, FAILED, 8, 'restart_check');
    const tap = await h.bus.tap(FAILED);
    const crashing = await startReplayProcess({
      SERVICE_NAME: 'replay',
      GCP_PROJECT_ID: h.bus.projectId,
      PUSH_AUTH: 'off',
      OPERATOR_AUTH: 'off',
      REPLAY_RUNNER_LEASE_SECONDS: '5',
    });
    const created = await fetch(`${crashing.url}/v1/replays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { reason: 'restart_check' }, rate_per_second: 4 }),
    }).then((res) => res.json() as Promise<Replay>);
    await waitFor(
      async () => (await h.api<Replay>('GET', `/v1/replays/${created.id}`)).body.counts.moved >= 2,
      {
        timeoutMs: 60_000,
      },
    );
    crashing.child.kill('SIGKILL');
    const halfway = (await h.api<Replay>('GET', `/v1/replays/${created.id}`)).body;
    expect(halfway.status).toBe('running');
    expect(halfway.counts.moved).toBeLessThan(entries.length);

    // The scheduler's tick on the instance still up: it waits out the dead runner's lease.
    const done = await waitFor(
      async () => {
        const tick = await h.api<{ replays: Record<string, string> }>('POST', '/tasks/run-replays');
        expect(tick.status).toBe(200);
        const replay = (await h.api<Replay>('GET', `/v1/replays/${created.id}`)).body;
        return replay.status === 'completed' ? replay : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(done.counts).toMatchObject({ to_move: 8, moved: 8, failed: 0 });
    expect(await statusCounts(h, 'restart_check')).toEqual({ replayed: 8 });
    // Every entry went out (one claimed when the process died may have gone out twice).
    await waitFor(
      () =>
        new Set(
          tap
            .where((m) => m.attributes.replay_id === created.id)
            .map((m) => m.attributes.replay_of),
        ).size === 8,
      { timeoutMs: 30_000 },
    );
    const tick = await h.api<{ replays: Record<string, string> }>('POST', '/tasks/run-replays');
    expect(tick.body.replays[created.id]).toBeUndefined();
  }, 240_000);

  it('refuses an entry over the replay_count guard', async () => {
    const [entry] = await park(h, FAILED, 1, 'guard_check');
    for (let round = 1; round <= 2; round++) {
      const res = await h.api<Replay>('POST', '/v1/replays', {
        body: { ids: [entry?.id], max_replay_count: 2 },
      });
      expect((await finished(h, res.body.id)).counts.moved).toBe(1);
      // A dead-lettering of the replayed message reopens the entry.
      const detail = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry?.id}`)).body;
      expect(
        await pushLetter(
          h,
          'notification-relay',
          FAILED,
          detail.data_text ?? '',
          {
            ...detail.attributes,
            replay_of: entry?.id ?? '',
            replay_count: String(round),
            replay_id: res.body.id,
          },
          'guard_check',
        ),
      ).toBe(204);
    }
    const reopened = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry?.id}`)).body;
    expect(reopened).toMatchObject({ status: 'parked', replay_count: 2 });
    expect(reopened.history.map((item) => item.kind)).toEqual([
      'archived',
      'replayed',
      'reopened',
      'replayed',
      'reopened',
    ]);
    const dry = await h.api<{ counts: Replay['counts']; skipped: Replay['skipped'] }>(
      'POST',
      '/v1/replays',
      {
        body: { ids: [entry?.id], max_replay_count: 2, dry_run: true },
      },
    );
    expect(dry.body.counts.to_move).toBe(0);
    expect(dry.body.skipped.replay_limit).toBe(1);
    // Nor can a request lift the configured guard (3 here) to get past it.
    const lifted = await h.api<{ field?: string; reason?: string }>('POST', '/v1/replays', {
      body: { ids: [entry?.id], max_replay_count: 4 },
    });
    expect(lifted.status).toBe(400);
    expect(lifted.body).toMatchObject({ reason: 'validation_failed', field: '/max_replay_count' });
    const still = (await h.api<DeadLetterDetail>('GET', `/v1/dead-letters/${entry?.id}`)).body;
    expect(still).toMatchObject({ status: 'parked', replay_count: 2 });
  });
});
