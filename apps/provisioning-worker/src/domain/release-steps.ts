import type { Allocation, AllocationTransition } from '@gpuaas/allocations';
import { addSeconds, msOf } from '@gpuaas/allocations';
import type { ReleaseReason } from '@gpuaas/contracts';
import type { ReleaseEffect } from '../operations/release-attempt';
import type { TerminateResult } from '../operations/terminate';
import { failureOf, reasonHash, sanitizeMessage } from './reason';
import { type ReleaseSchedule, retriesExhausted } from './release-schedule';

const cancelled = (at: string): AllocationTransition => ({
  kind: 'fail',
  at,
  failure: failureOf('cancelled', 'released before an instance was created', {
    attempts: 0,
    retryable: false,
  }),
});

const errorOf = (result: { code: string; message: string }) => ({
  code: result.code,
  hash: reasonHash(result.code, result.message),
  message: sanitizeMessage(result.message),
});

/**
 * The transitions that commit one release attempt's result on the allocation as it is now:
 * released, the error kept for the next attempt, `release_failed` once the next attempt would
 * fall after the deadline, or the cancel of an allocation that never had an instance.
 */
export function attemptSteps(
  current: Allocation | undefined,
  result: TerminateResult,
  attempt: number,
  at: string,
): AllocationTransition[] {
  if (current?.status !== 'releasing' || !current.release) return [];
  switch (result.kind) {
    case 'gone':
      return [{ kind: 'confirm_release', at: result.at, instance: result.instance }];
    case 'nothing_found':
      return current.started_at === null && current.instance === null ? [cancelled(at)] : [];
    case 'error': {
      const record: AllocationTransition = {
        kind: 'record_release_error',
        at,
        attempt,
        error: errorOf(result),
      };
      const { next_attempt_at, deadline_at } = current.release;
      const exhausted =
        retriesExhausted(next_attempt_at, deadline_at) || msOf(at) >= msOf(deadline_at);
      return exhausted ? [record, { kind: 'fail_release', at, attempt }] : [record];
    }
  }
}

/**
 * The transitions a release request (user, admin or forced) commits after its effect: a
 * `requested` allocation is cancelled outright; one whose attempt the effect did not make is
 * put into `releasing` with an attempt due now (the retry task makes it); otherwise the
 * attempt's result.
 */
export function releaseSteps(
  current: Allocation | undefined,
  effect: ReleaseEffect,
  options: { at: string; reason: ReleaseReason; schedule: ReleaseSchedule },
): AllocationTransition[] {
  const { at, reason, schedule } = options;
  if (!current) return [];
  if (current.status === 'requested') return [cancelled(at)];
  if (effect.kind === 'none') {
    if (current.status !== 'provisioning' && current.status !== 'active') return [];
    return [
      {
        kind: 'begin_release',
        at,
        reason,
        next_attempt_at: at,
        deadline_at: addSeconds(at, schedule.deadlineSeconds),
      },
    ];
  }
  return attemptSteps(current, effect, effect.attempt, at);
}
