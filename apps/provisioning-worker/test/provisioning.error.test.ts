import { randomUUID } from 'node:crypto';
import { msOf } from '@gpuaas/allocations';
import { createUserRegistry } from '@gpuaas/http-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonHash } from '../src/domain/reason';
import { WorkerHarness } from './harness';

describe('provisioning and release failures', () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await WorkerHarness.start({ env: { RELEASE_DEADLINE_SECONDS: '120' } });
  });
  afterAll(() => h.close());

  it('fails an instance that never passes its health check and tears it down', async () => {
    h.sim.configure({ bootFailureRate: 1 });
    try {
      const payload = h.requested();
      await h.publish('gpuaas.provisioning.requested', payload);
      const failed = await h.waitForEvent('gpuaas.provisioning.failed', payload.allocation_id);
      const [instance] = h.instancesOf(payload.allocation_id);
      expect(failed).toMatchObject({
        reason_code: 'provider_error',
        reason_message: 'health check failed',
        reason_hash: reasonHash('provider_error', 'health check failed'),
        provider_instance_id: instance?.instanceId,
        retryable: true,
      });
      expect(instance?.state).toBe('terminated');
      expect(await h.waitForStatus(payload.allocation_id, 'failed')).toMatchObject({
        failure: { reason_code: 'provider_error', provider_instance_id: instance?.instanceId },
      });
      expect(h.events('gpuaas.provisioning.active', payload.allocation_id)).toEqual([]);
    } finally {
      h.sim.configure({ bootFailureRate: 0 });
    }
  });

  it('fails with no_capacity after its create attempts, making no instance', async () => {
    const made = h.sim.stats().instancesMade;
    const payload = h.requested({ gpu_count: 1000 });
    await h.publish('gpuaas.provisioning.requested', payload);
    const failed = await h.waitForEvent('gpuaas.provisioning.failed', payload.allocation_id);
    expect(failed).toMatchObject({ reason_code: 'no_capacity', attempts: 3, retryable: true });
    expect(failed.provider_instance_id).toBeUndefined();
    expect(h.sim.stats().instancesMade).toBe(made);
  });

  it('fails a provisioning past its timeout and tears the instance down', async () => {
    h.sim.configure({ bootLatencyMs: [60_000, 60_000] });
    try {
      const payload = h.requested({ provisioning_timeout_seconds: 1 });
      await h.publish('gpuaas.provisioning.requested', payload);
      const failed = await h.waitForEvent('gpuaas.provisioning.failed', payload.allocation_id);
      expect(failed).toMatchObject({ reason_code: 'provisioning_timeout', retryable: false });
      expect(h.instancesOf(payload.allocation_id).map((i) => i.state)).toEqual(['terminated']);
    } finally {
      h.sim.configure({ bootLatencyMs: [40, 120] });
    }
  });

  it('dead-letters a requested event off its schema and writes nothing', async () => {
    const dlq = h.served.deadLetters('provisioning-worker');
    const allocationId = `alloc_bad_${randomUUID().slice(0, 8)}`;
    const eventId = await h.bus.publishUnchecked(
      'gpuaas.provisioning.requested',
      '1.0',
      { ...h.requested({ allocation_id: allocationId }), gpu_count: 0 },
      { idempotency_key: allocationId, producer: 'orchestrator' },
    );
    const letter = await dlq.waitFor((m) => m.attributes.event_id === eventId);
    expect(letter.attributes.dlq_reason).toBe('payload_invalid');
    expect(letter.attributes.dlq_detail).toContain('gpu_count');
    expect(await h.allocation(allocationId)).toBeUndefined();
  });

  it('ignores a release or a request naming another user', async () => {
    const payload = h.requested();
    await h.publish('gpuaas.provisioning.requested', payload);
    await h.waitForStatus(payload.allocation_id, 'active');
    await h.publish('gpuaas.provisioning.releasing.requested', {
      allocation_id: payload.allocation_id,
      user_id: 'someone-else',
      requested_by: 'user',
      reason: 'user_requested',
      requested_at: h.clock.now().toISOString(),
    });
    await expect
      .poll(() => h.deliveries('gpuaas.provisioning.releasing.requested').processed ?? 0)
      .toBeGreaterThanOrEqual(1);
    expect((await h.allocation(payload.allocation_id))?.status).toBe('active');
    expect(h.sim.liveInstances().some((i) => i.allocationId === payload.allocation_id)).toBe(true);
    // A requested naming the same allocation for someone else is the same key with another
    // payload: dead-lettered as a conflict, nothing changes.
    const version = (await h.allocation(payload.allocation_id))?.version;
    const sent = await h.publish('gpuaas.provisioning.requested', {
      ...payload,
      user_id: 'someone-else',
    });
    const letter = await h.served
      .deadLetters('provisioning-worker')
      .waitFor(
        (m) =>
          m.attributes.source_message_id === sent ||
          m.attributes.idempotency_key === payload.allocation_id,
      );
    expect(letter.attributes.dlq_reason).toBe('idempotency_conflict');
    expect((await h.allocation(payload.allocation_id))?.version).toBe(version);
    expect(h.instancesOf(payload.allocation_id)).toHaveLength(1);
  });

  it('parks a release whose retries run out in release_failed; metering stops at failed_at', async () => {
    const payload = h.requested({ gpu_count: 2 });
    await h.publish('gpuaas.provisioning.requested', payload);
    const active = await h.waitForStatus(payload.allocation_id, 'active');
    h.sim.configure({ releaseFailureRate: 1 });
    h.clock.advance(61);
    await h.task('meter');
    await h.publish('gpuaas.provisioning.releasing.requested', {
      allocation_id: payload.allocation_id,
      user_id: payload.user_id,
      requested_by: 'user',
      reason: 'user_requested',
      requested_at: h.clock.now().toISOString(),
    });
    await expect
      .poll(async () => (await h.allocation(payload.allocation_id))?.release?.last_error_code)
      .toBe('provider_error');
    const first = await h.allocation(payload.allocation_id);
    expect(first).toMatchObject({ status: 'releasing', release: { attempts: 1 } });

    // Not due yet: a tick now changes nothing.
    expect(await h.task('release-retries')).toMatchObject({ due: 0 });
    for (
      let i = 0;
      i < 10 && (await h.allocation(payload.allocation_id))?.status === 'releasing';
      i++
    ) {
      h.clock.advance(31);
      const [a, b] = await Promise.all([h.task('release-retries'), h.task('release-retries')]);
      // Two ticks at once: one makes the attempt, the other finds it claimed.
      expect(
        Number(a.retrying) +
          Number(a.release_failed) +
          Number(b.retrying) +
          Number(b.release_failed),
      ).toBeLessThanOrEqual(1);
    }
    const parked = await h.waitForStatus(payload.allocation_id, 'release_failed');
    const event = await h.waitForEvent('gpuaas.provisioning.release_failed', payload.allocation_id);
    expect(event).toMatchObject({
      provider_instance_id: parked.instance?.provider_instance_id,
      attempts: parked.release?.attempts,
      last_error_code: 'provider_error',
      requires_admin: true,
    });
    expect(parked.release?.attempts).toBeGreaterThanOrEqual(4);
    expect(msOf(event.failed_at)).toBe(msOf(parked.release_failed_at as string));

    h.sim.configure({ releaseFailureRate: 0 });
    h.clock.advance(120);
    await h.task('meter');
    await expect
      .poll(() =>
        h.events('platform.billing.usage.metered', payload.allocation_id).some((i) => i.is_final),
      )
      .toBe(true);
    const intervals = h
      .events('platform.billing.usage.metered', payload.allocation_id)
      .sort((x, y) => msOf(x.interval_start) - msOf(y.interval_start));
    const last = intervals.at(-1);
    expect(last?.is_final).toBe(true);
    expect(msOf(last?.interval_end as string)).toBe(msOf(parked.release_failed_at as string));
    const seconds =
      (msOf(parked.release_failed_at as string) - msOf(active.started_at as string)) / 1000;
    expect(intervals.reduce((sum, i) => sum + i.quantity, 0)).toBe(seconds * 2);

    // The operator resolves it once the instance is confirmed gone, and not before.
    const resolve = () =>
      h.served.service.app.request(`/v1/admin/allocations/${payload.allocation_id}/resolve`, {
        method: 'POST',
      });
    const early = await resolve();
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ reason: 'conflict' });
    h.sim.vanish(parked.instance?.provider_instance_id as string);
    const resolved = await resolve();
    expect(resolved.status).toBe(200);
    expect(await resolved.json()).toMatchObject({
      status: 'released',
      released_at: parked.release_failed_at,
      billable_seconds: seconds,
      resolution: { resolved_by: 'local-operator' },
    });
    expect((await resolve()).status).toBe(200);
    expect(h.events('gpuaas.provisioning.releasing.completed', payload.allocation_id)).toEqual([]);
    expect(h.events('platform.billing.usage.metered', payload.allocation_id)).toHaveLength(
      intervals.length,
    );
  });

  it('answers the resolve route with problems: unknown, not release_failed, a user key', async () => {
    const call = (id: string, auth?: string) =>
      h.served.service.app.request(`/v1/admin/allocations/${id}/resolve`, {
        method: 'POST',
        headers: auth ? { authorization: `Bearer ${auth}` } : {},
      });
    expect((await call('alloc_nope')).status).toBe(404);
    const payload = h.requested();
    await h.publish('gpuaas.provisioning.requested', payload);
    await h.waitForStatus(payload.allocation_id, 'active');
    expect((await call(payload.allocation_id)).status).toBe(409);
    const registry = createUserRegistry(h.firestore);
    const { apiKey } = await registry.createUser({}, 'test');
    const forbidden = await call(payload.allocation_id, apiKey);
    expect(forbidden.status).toBe(403);
    expect((await h.allocation(payload.allocation_id))?.status).toBe('active');
  });
});
