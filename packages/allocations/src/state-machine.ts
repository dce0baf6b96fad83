import type { ReleaseReason } from '@gpuaas/contracts';
import type { Allocation, AllocationStatus } from './allocation';
import { laterOf, msOf, secondsBetween, storedInstant, wholeSecond } from './instants';
import type { AllocationTransition, TransitionRejection } from './transition';

export type TransitionResult =
  | { ok: true; allocation: Allocation }
  | { ok: false; rejection: TransitionRejection };

type Step = AllocationTransition;

const reject = (
  t: Step,
  current: Allocation | undefined,
  reason: TransitionRejection['reason'],
  detail: string,
): TransitionResult => ({
  ok: false,
  rejection: { reason, kind: t.kind, status: current?.status ?? null, detail },
});

const notAllowed = (t: Step, a: Allocation, detail = `not from ${a.status}`) =>
  reject(t, a, 'not_allowed', detail);
const duplicate = (t: Step, a: Allocation, detail = `already ${a.status}`) =>
  reject(t, a, 'already_applied', detail);

function next(a: Allocation, t: Step, changes: Partial<Allocation>): TransitionResult {
  return {
    ok: true,
    allocation: { ...a, ...changes, version: a.version + 1, updated_at: storedInstant(t.at) },
  };
}

const is = (a: Allocation, ...statuses: AllocationStatus[]) => statuses.includes(a.status);

/** The usage window closes at `at` floored, never before what was already metered. */
function closingInstant(a: Allocation, at: string): string {
  const closed = wholeSecond(at);
  return laterOf(laterOf(closed, a.metered_until), a.started_at);
}

/**
 * The allocation state machine of DOMAIN.md, pure: `(allocation, transition) → next | reason`.
 * Every writer of an allocation goes through it (via `transitionAllocation`), so a stale or
 * duplicate event changes nothing whichever app sees it.
 */
export function applyTransition(current: Allocation | undefined, t: Step): TransitionResult {
  if (t.kind === 'request') {
    if (current) {
      return current.user_id === t.allocation.user_id
        ? duplicate(t, current, 'already requested')
        : notAllowed(t, current, 'the id belongs to another user');
    }
    const at = storedInstant(t.at);
    return {
      ok: true,
      allocation: {
        ...t.allocation,
        requested_at: storedInstant(t.allocation.requested_at),
        status: 'requested',
        version: 1,
        created_at: at,
        updated_at: at,
        provisioning_started_at: null,
        instance: null,
        started_at: null,
        metered_until: null,
        release_request: null,
        release: null,
        released_at: null,
        billable_seconds: null,
        failure: null,
        release_failed_at: null,
        resolution: null,
      },
    };
  }
  if (!current) return reject(t, undefined, 'not_found', 'no such allocation');
  const a = current;

  switch (t.kind) {
    case 'start_provisioning':
      if (is(a, 'requested')) {
        return next(a, t, { status: 'provisioning', provisioning_started_at: storedInstant(t.at) });
      }
      return is(a, 'provisioning') ? duplicate(t, a) : notAllowed(t, a);

    case 'record_instance': {
      const id = t.instance.provider_instance_id;
      if (a.instance) {
        return a.instance.provider_instance_id === id
          ? duplicate(t, a, 'instance already recorded')
          : notAllowed(t, a, `another instance (${a.instance.provider_instance_id}) is recorded`);
      }
      const unstarted = a.started_at === null;
      if (is(a, 'provisioning') || (is(a, 'releasing') && unstarted)) {
        return next(a, t, { instance: { ...t.instance, recorded_at: storedInstant(t.at) } });
      }
      return notAllowed(t, a);
    }

    case 'activate': {
      const startedAt = wholeSecond(t.started_at);
      const id = t.instance.provider_instance_id;
      if (is(a, 'active')) {
        return a.started_at === startedAt && a.instance?.provider_instance_id === id
          ? duplicate(t, a)
          : notAllowed(t, a, 'active with another start or instance');
      }
      if (!is(a, 'requested', 'provisioning')) return notAllowed(t, a);
      if (a.instance && a.instance.provider_instance_id !== id) {
        return notAllowed(
          t,
          a,
          `another instance (${a.instance.provider_instance_id}) is recorded`,
        );
      }
      return next(a, t, {
        status: 'active',
        provisioning_started_at: a.provisioning_started_at ?? storedInstant(t.at),
        instance: a.instance ?? { ...t.instance, recorded_at: storedInstant(t.at) },
        started_at: startedAt,
        metered_until: startedAt,
      });
    }

    case 'fail': {
      if (is(a, 'failed')) {
        return a.failure?.reason_hash === t.failure.reason_hash
          ? duplicate(t, a)
          : notAllowed(t, a, `already failed with ${a.failure?.reason_code}`);
      }
      // A release of an allocation that never got an instance ends here too: nothing to free.
      const cancellable = is(a, 'releasing') && a.started_at === null && a.instance === null;
      if (!is(a, 'requested', 'provisioning') && !cancellable) return notAllowed(t, a);
      return next(a, t, {
        status: 'failed',
        failure: {
          ...t.failure,
          failed_at: storedInstant(t.at),
          provider_instance_id: t.failure.provider_instance_id ?? null,
        },
      });
    }

    case 'record_release_request':
      if (a.release_request || is(a, 'releasing')) return duplicate(t, a, 'release already asked');
      if (!is(a, 'requested', 'provisioning', 'active')) return notAllowed(t, a);
      return next(a, t, {
        release_request: { ...t.request, requested_at: storedInstant(t.request.requested_at) },
      });

    case 'begin_release': {
      if (is(a, 'releasing')) return duplicate(t, a);
      if (!is(a, 'provisioning', 'active')) return notAllowed(t, a);
      // Never started: whatever asked, this is a cancelled provisioning (nothing was billed).
      const reason: ReleaseReason = a.started_at === null ? 'provisioning_cancelled' : t.reason;
      return next(a, t, {
        status: 'releasing',
        release: {
          reason,
          began_at: storedInstant(t.at),
          attempts: 0,
          first_attempt_at: null,
          last_attempt_at: null,
          next_attempt_at: storedInstant(t.next_attempt_at),
          deadline_at: storedInstant(t.deadline_at),
          last_error_code: null,
          last_error_hash: null,
          last_error_message: null,
        },
      });
    }

    case 'claim_release_attempt': {
      if (!is(a, 'releasing') || !a.release) return notAllowed(t, a);
      if (msOf(a.release.next_attempt_at) > msOf(t.at)) {
        return reject(t, a, 'not_due', `next attempt at ${a.release.next_attempt_at}`);
      }
      const at = storedInstant(t.at);
      return next(a, t, {
        release: {
          ...a.release,
          attempts: a.release.attempts + 1,
          first_attempt_at: a.release.first_attempt_at ?? at,
          last_attempt_at: at,
          next_attempt_at: storedInstant(t.next_attempt_at),
        },
      });
    }

    case 'record_release_error':
      if (!is(a, 'releasing') || !a.release) return notAllowed(t, a);
      if (a.release.attempts !== t.attempt) {
        return notAllowed(t, a, `attempt ${t.attempt} is stale (now ${a.release.attempts})`);
      }
      return next(a, t, {
        release: {
          ...a.release,
          last_error_code: t.error.code,
          last_error_hash: t.error.hash,
          last_error_message: t.error.message.slice(0, 512),
        },
      });

    case 'confirm_release': {
      if (is(a, 'released')) return duplicate(t, a);
      if (!is(a, 'releasing')) return notAllowed(t, a);
      const id = t.instance?.provider_instance_id;
      if (a.instance && id !== undefined && a.instance.provider_instance_id !== id) {
        return notAllowed(
          t,
          a,
          `another instance (${a.instance.provider_instance_id}) is recorded`,
        );
      }
      // An instance found only at release time (the provisioning was cancelled mid-create).
      const instance =
        a.instance ?? (t.instance ? { ...t.instance, recorded_at: storedInstant(t.at) } : null);
      if (!instance) return notAllowed(t, a, 'no instance to confirm gone');
      const releasedAt = closingInstant(a, t.at);
      return next(a, t, {
        status: 'released',
        instance,
        released_at: releasedAt,
        metered_until: a.started_at === null ? null : releasedAt,
        billable_seconds: a.started_at === null ? 0 : secondsBetween(a.started_at, releasedAt),
      });
    }

    case 'fail_release': {
      if (is(a, 'release_failed')) return duplicate(t, a);
      if (!is(a, 'releasing') || !a.release) return notAllowed(t, a);
      if (t.attempt !== undefined && a.release.attempts !== t.attempt) {
        return notAllowed(t, a, `attempt ${t.attempt} is stale (now ${a.release.attempts})`);
      }
      if (!a.instance) return notAllowed(t, a, 'no instance whose release could fail');
      const failedAt = closingInstant(a, t.at);
      return next(a, t, {
        status: 'release_failed',
        release_failed_at: failedAt,
        metered_until: a.started_at === null ? null : failedAt,
        billable_seconds: a.started_at === null ? 0 : secondsBetween(a.started_at, failedAt),
      });
    }

    case 'resolve_release_failed':
      if (is(a, 'released') && a.resolution) return duplicate(t, a);
      if (!is(a, 'release_failed')) return notAllowed(t, a);
      // No new charges: the window stays closed where billing stopped.
      return next(a, t, {
        status: 'released',
        released_at: a.release_failed_at,
        resolution: { resolved_at: storedInstant(t.at), resolved_by: t.by },
      });

    case 'meter': {
      if (!is(a, 'active', 'releasing') || a.metered_until === null) return notAllowed(t, a);
      const through = wholeSecond(t.through);
      if (msOf(through) <= msOf(a.metered_until)) {
        return duplicate(t, a, `metered until ${a.metered_until}`);
      }
      return next(a, t, { metered_until: through });
    }
  }
}

/**
 * Applies transitions in order: one already applied is skipped (so `begin_release` then
 * `confirm_release` works on a releasing allocation too); any other rejection stops it.
 * Rejected when nothing applied.
 */
export function applyTransitions(
  current: Allocation | undefined,
  transitions: readonly AllocationTransition[],
): TransitionResult {
  let allocation = current;
  let applied = false;
  let last: TransitionResult | undefined;
  for (const t of transitions) {
    const result = applyTransition(allocation, t);
    last = result;
    if (result.ok) {
      allocation = result.allocation;
      applied = true;
    } else if (result.rejection.reason !== 'already_applied') {
      return result;
    }
  }
  if (applied && allocation) return { ok: true, allocation };
  if (last) return last;
  throw new RangeError('applyTransitions needs at least one transition');
}
