import { describe, expect, it } from 'vitest';
import { at, instance, newAllocation, T0 } from '../test/fixtures';
import type { Allocation } from './allocation';
import { applyTransition, applyTransitions } from './state-machine';
import type { AllocationTransition } from './transition';

const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);

function must(current: Allocation | undefined, ...ts: AllocationTransition[]): Allocation {
  const result = applyTransitions(current, ts);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  return result.allocation;
}

const requested = () => must(undefined, { kind: 'request', at: T0, allocation: newAllocation() });
const provisioning = () => must(requested(), { kind: 'start_provisioning', at: at(1) });
const active = () =>
  must(provisioning(), {
    kind: 'activate',
    at: at(5.7),
    started_at: at(5.7),
    instance: instance(),
  });
const releasing = (a = active()) =>
  must(a, {
    kind: 'begin_release',
    at: at(100),
    reason: 'user_requested',
    next_attempt_at: at(100),
    deadline_at: at(1000),
  });
const failure = (hash = HASH) => ({
  reason_code: 'no_capacity' as const,
  reason_message: 'no h100 left',
  reason_hash: hash,
  attempts: 1,
  retryable: true,
});

describe('the allocation state machine', () => {
  it('creates a requested allocation at version 1', () => {
    const a = requested();
    expect(a).toMatchObject({ status: 'requested', version: 1, created_at: T0, started_at: null });
  });

  it('goes requested → provisioning → active → releasing → released, bumping the version', () => {
    const a = active();
    expect(a).toMatchObject({ status: 'active', version: 3 });
    // The window opens on the whole second of the health check.
    expect(a.started_at).toBe(at(5));
    expect(a.metered_until).toBe(at(5));
    const r = releasing(a);
    expect(r.release).toMatchObject({ reason: 'user_requested', attempts: 0 });
    const claimed = must(r, {
      kind: 'claim_release_attempt',
      at: at(100),
      next_attempt_at: at(130),
    });
    expect(claimed.release).toMatchObject({ attempts: 1, first_attempt_at: at(100) });
    const done = must(claimed, { kind: 'confirm_release', at: at(160.9) });
    expect(done).toMatchObject({
      status: 'released',
      released_at: at(160),
      billable_seconds: 155,
      metered_until: at(160),
      version: 6,
    });
  });

  it('ignores duplicates and stale events: an active after released changes nothing', () => {
    const released = must(releasing(), { kind: 'confirm_release', at: at(200) });
    const again = applyTransition(released, {
      kind: 'activate',
      at: at(300),
      started_at: at(5),
      instance: instance(),
    });
    expect(again).toMatchObject({
      ok: false,
      rejection: { reason: 'not_allowed', status: 'released' },
    });
    const duplicate = applyTransition(active(), {
      kind: 'activate',
      at: at(9),
      started_at: at(5.2),
      instance: instance(),
    });
    expect(duplicate).toMatchObject({ ok: false, rejection: { reason: 'already_applied' } });
    expect(applyTransition(released, { kind: 'confirm_release', at: at(999) })).toMatchObject({
      ok: false,
      rejection: { reason: 'already_applied' },
    });
  });

  it('refuses an activation with another instance than the recorded one', () => {
    const withInstance = must(provisioning(), {
      kind: 'record_instance',
      at: at(2),
      instance: instance('sim-1'),
    });
    const result = applyTransition(withInstance, {
      kind: 'activate',
      at: at(3),
      started_at: at(3),
      instance: instance('sim-2'),
    });
    expect(result).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
  });

  it('fails from requested or provisioning only; the first failure stands', () => {
    const failed = must(provisioning(), { kind: 'fail', at: at(3), failure: failure() });
    expect(failed).toMatchObject({
      status: 'failed',
      failure: { failed_at: at(3), reason_code: 'no_capacity', provider_instance_id: null },
    });
    expect(applyTransition(failed, { kind: 'fail', at: at(4), failure: failure() })).toMatchObject({
      ok: false,
      rejection: { reason: 'already_applied' },
    });
    expect(
      applyTransition(failed, { kind: 'fail', at: at(4), failure: failure(OTHER_HASH) }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
    expect(
      applyTransition(active(), { kind: 'fail', at: at(9), failure: failure() }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed', status: 'active' } });
  });

  it('cancels a provisioning: the release reason is provisioning_cancelled, nothing is billed', () => {
    const p = must(provisioning(), { kind: 'record_instance', at: at(2), instance: instance() });
    const r = must(p, {
      kind: 'begin_release',
      at: at(3),
      reason: 'balance_depleted',
      next_attempt_at: at(3),
      deadline_at: at(903),
    });
    expect(r.release?.reason).toBe('provisioning_cancelled');
    const done = must(r, { kind: 'confirm_release', at: at(4) });
    expect(done).toMatchObject({ status: 'released', billable_seconds: 0, metered_until: null });
  });

  it('fails a release that never got an instance, and confirms one found at release time', () => {
    const r = must(provisioning(), {
      kind: 'begin_release',
      at: at(3),
      reason: 'user_requested',
      next_attempt_at: at(3),
      deadline_at: at(903),
    });
    expect(applyTransition(r, { kind: 'confirm_release', at: at(4) })).toMatchObject({
      ok: false,
      rejection: { reason: 'not_allowed' },
    });
    expect(
      must(r, { kind: 'confirm_release', at: at(4), instance: instance('late') }),
    ).toMatchObject({ status: 'released', instance: { provider_instance_id: 'late' } });
    expect(must(r, { kind: 'fail', at: at(4), failure: failure() }).status).toBe('failed');
  });

  it('claims a release attempt only when due, and refuses a stale attempt result', () => {
    const r = releasing();
    const claimed = must(r, {
      kind: 'claim_release_attempt',
      at: at(100),
      next_attempt_at: at(130),
    });
    expect(
      applyTransition(claimed, {
        kind: 'claim_release_attempt',
        at: at(110),
        next_attempt_at: at(140),
      }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_due' } });
    const error = { code: 'provider_error', hash: HASH, message: 'boom' };
    expect(
      applyTransition(claimed, { kind: 'record_release_error', at: at(101), attempt: 0, error }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
    const noted = must(claimed, { kind: 'record_release_error', at: at(101), attempt: 1, error });
    expect(noted.release).toMatchObject({ last_error_code: 'provider_error', attempts: 1 });
    expect(applyTransition(noted, { kind: 'fail_release', at: at(102), attempt: 2 })).toMatchObject(
      {
        ok: false,
        rejection: { reason: 'not_allowed' },
      },
    );
  });

  it('stops billing at release_failed, and an admin resolution adds no charges', () => {
    const r = must(releasing(), { kind: 'meter', at: at(400), through: at(400) });
    // The clock of the writer is behind what was metered: the window never shrinks.
    const failed = must(r, { kind: 'fail_release', at: at(390) });
    expect(failed).toMatchObject({
      status: 'release_failed',
      release_failed_at: at(400),
      metered_until: at(400),
      billable_seconds: 395,
    });
    expect(applyTransition(failed, { kind: 'meter', at: at(500), through: at(500) })).toMatchObject(
      { ok: false, rejection: { reason: 'not_allowed' } },
    );
    const resolved = must(failed, { kind: 'resolve_release_failed', at: at(9000), by: 'op@x' });
    expect(resolved).toMatchObject({
      status: 'released',
      released_at: at(400),
      billable_seconds: 395,
      resolution: { resolved_by: 'op@x' },
    });
  });

  it('meters forward only, in whole seconds', () => {
    const a = must(active(), { kind: 'meter', at: at(65.5), through: at(65.5) });
    expect(a.metered_until).toBe(at(65));
    expect(applyTransition(a, { kind: 'meter', at: at(65.9), through: at(65.9) })).toMatchObject({
      ok: false,
      rejection: { reason: 'already_applied' },
    });
    expect(
      applyTransition(provisioning(), { kind: 'meter', at: at(9), through: at(9) }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
  });

  it('records the release request once, and refuses it on a finished allocation', () => {
    const request = {
      requested_by: 'user' as const,
      reason: 'user_requested' as const,
      requested_at: at(50),
    };
    const asked = must(active(), { kind: 'record_release_request', at: at(50), request });
    expect(asked.status).toBe('active');
    expect(asked.release_request).toMatchObject({ requested_at: at(50) });
    expect(
      applyTransition(asked, { kind: 'record_release_request', at: at(51), request }),
    ).toMatchObject({ ok: false, rejection: { reason: 'already_applied' } });
    const failed = must(provisioning(), { kind: 'fail', at: at(3), failure: failure() });
    expect(
      applyTransition(failed, { kind: 'record_release_request', at: at(4), request }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
  });

  it('refuses a request id taken by another user, and a transition on nothing', () => {
    expect(
      applyTransition(requested(), {
        kind: 'request',
        at: T0,
        allocation: newAllocation({ user_id: 'user-2' }),
      }),
    ).toMatchObject({ ok: false, rejection: { reason: 'not_allowed' } });
    expect(applyTransition(undefined, { kind: 'start_provisioning', at: T0 })).toMatchObject({
      ok: false,
      rejection: { reason: 'not_found' },
    });
  });

  it('applies a sequence, skipping steps already applied', () => {
    const r = releasing();
    const result = applyTransitions(r, [
      {
        kind: 'begin_release',
        at: at(101),
        reason: 'admin',
        next_attempt_at: at(101),
        deadline_at: at(999),
      },
      { kind: 'confirm_release', at: at(102) },
    ]);
    expect(result).toMatchObject({
      ok: true,
      allocation: { status: 'released', release: { reason: 'user_requested' } },
    });
  });
});
