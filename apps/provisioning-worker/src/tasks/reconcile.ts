import {
  type Allocation,
  type AllocationTransition,
  getAllocation,
  type InstanceRef,
  msOf,
  storedInstant,
  TERMINAL_STATUSES,
} from '@gpuaas/allocations';
import { defineTask } from '@gpuaas/eventing';
import { failureOf } from '../domain/reason';
import { mapLimit } from '../operations/pause';
import { isGone, type ProviderInstance } from '../provider/gpu-provider';
import { allocationsIn } from '../store/allocation-queries';
import { commitTransition } from '../store/commit-transition';
import type { WorkerContext } from '../worker-context';

type Finding =
  | 'orphan_terminated'
  | 'activated'
  | 'failed_vanished'
  | 'released_vanished'
  | 'failed_unhealthy'
  | 'timed_out'
  | 'none';

const HOLDS_INSTANCE = ['provisioning', 'active', 'releasing', 'release_failed'] as const;

/**
 * `POST /tasks/reconcile`: the allocations against what the provider really has (the SkyPilot
 * `--refresh` lesson). Instances no allocation owns are terminated; allocations whose instance
 * vanished are failed (provisioning) or released (active, releasing) with their events; a
 * provisioning past its timeout is failed and its instance torn down; one whose instance became
 * healthy after its delivery gave up waiting is activated.
 */
export const reconcileTask = (worker: WorkerContext) =>
  defineTask({
    name: 'reconcile',
    async run({ runtime, log }) {
      const { provider, config } = worker;
      const signal = () => AbortSignal.timeout(config.providerCallTimeoutMs);
      let invalid = 0;
      const onInvalid = (path: string, error: unknown) => {
        invalid += 1;
        log.error({ path, err: error }, 'allocation off its schema skipped');
      };
      // Allocations first: an instance recorded before the listing is in the listing.
      const allocations: Allocation[] = [];
      for await (const a of allocationsIn(
        runtime.firestore,
        ['requested', ...HOLDS_INSTANCE],
        onInvalid,
      )) {
        allocations.push(a);
      }
      const instances = await provider.listInstances({}, { signal: signal() });
      const live = new Map(instances.map((i) => [i.instanceId, i]));

      const commit = async (id: string, steps: AllocationTransition[]) => {
        const { result } = await runtime.producer.transact(
          async (tx, emit) =>
            (await commitTransition(tx, runtime.firestore, emit, id, steps)).applied,
          { correlationId: id },
        );
        return result;
      };
      /** Whether the instance is gone now; `terminated` only when this call removed it. */
      const terminate = async (instanceId: string, key: string) => {
        try {
          const receipt = await provider.terminateInstance(instanceId, {
            idempotencyKey: key,
            signal: signal(),
          });
          return { gone: true, terminated: !receipt.alreadyGone };
        } catch (error) {
          log.warn({ err: error, instance_id: instanceId }, 'reconcile: terminate failed');
          return { gone: false, terminated: false };
        }
      };

      const reconcileAllocation = async (a: Allocation): Promise<Finding> => {
        const at = storedInstant(worker.now());
        const id = a.allocation_id;
        const instanceId = a.instance?.provider_instance_id;
        const seen = instanceId ? (live.get(instanceId) ?? null) : null;
        const unstarted = a.status === 'requested' || a.status === 'provisioning';
        const deadline = msOf(a.requested_at) + a.provisioning_timeout_seconds * 1000;

        if (unstarted && msOf(at) >= deadline && seen?.state !== 'running') {
          if (instanceId && !(await terminate(instanceId, `reconcile:${id}:timeout`)).gone) {
            return 'none';
          }
          const failure = failureOf(
            'provisioning_timeout',
            `not healthy within ${a.provisioning_timeout_seconds} s`,
            { attempts: 1, retryable: false, providerInstanceId: instanceId ?? null },
          );
          return (await commit(id, [{ kind: 'fail', at, failure }])) ? 'timed_out' : 'none';
        }
        if (!instanceId || !a.instance || a.status === 'release_failed') return 'none';
        const ref: InstanceRef = a.instance;

        // Listed as missing: asked again before anything is concluded from it.
        const gone = !seen && isGone(await provider.getInstance(instanceId, { signal: signal() }));
        if (gone) {
          if (a.status === 'provisioning') {
            const failure = failureOf(
              'provider_error',
              'the instance vanished while provisioning',
              {
                attempts: 1,
                retryable: true,
                providerInstanceId: instanceId,
              },
            );
            return (await commit(id, [{ kind: 'fail', at, failure }])) ? 'failed_vanished' : 'none';
          }
          const steps: AllocationTransition[] = [
            {
              kind: 'begin_release',
              at,
              reason: 'admin',
              next_attempt_at: at,
              deadline_at: at,
            },
            { kind: 'confirm_release', at, instance: ref },
          ];
          return (await commit(id, steps)) ? 'released_vanished' : 'none';
        }
        if (a.status !== 'provisioning' || !seen) return 'none';
        if (seen.state === 'running' && seen.readyAt) {
          const activate: AllocationTransition = {
            kind: 'activate',
            at,
            started_at: seen.readyAt,
            instance: ref,
          };
          return (await commit(id, [activate])) ? 'activated' : 'none';
        }
        if (seen.state === 'failed') {
          if (!(await terminate(instanceId, `reconcile:${id}:teardown`)).gone) return 'none';
          const failure = failureOf('provider_error', seen.failure?.message ?? 'instance failed', {
            attempts: 1,
            retryable: true,
            providerInstanceId: instanceId,
          });
          return (await commit(id, [{ kind: 'fail', at, failure }])) ? 'failed_unhealthy' : 'none';
        }
        return 'none';
      };

      const reconcileInstance = async (instance: ProviderInstance): Promise<Finding> => {
        const owner = await getAllocation(runtime.firestore, instance.allocationId);
        const owned =
          owner !== undefined &&
          owner.instance?.provider_instance_id === instance.instanceId &&
          (HOLDS_INSTANCE as readonly string[]).includes(owner.status);
        if (owned) return 'none';
        const terminal = owner !== undefined && TERMINAL_STATUSES.includes(owner.status);
        const ageSeconds = (worker.now().getTime() - msOf(instance.createdAt)) / 1000;
        // A young instance may belong to a delivery that has not recorded it yet.
        if (!terminal && ageSeconds < config.reconcile.orphanGraceSeconds) return 'none';
        const key = `reconcile:orphan:${instance.instanceId}`;
        return (await terminate(instance.instanceId, key)).terminated
          ? 'orphan_terminated'
          : 'none';
      };

      const findings = [
        ...(await mapLimit(allocations, config.taskConcurrency, reconcileAllocation)),
        ...(await mapLimit(instances, config.taskConcurrency, reconcileInstance)),
      ];
      const count = (what: Finding) => findings.filter((f) => f === what).length;
      return {
        allocations: allocations.length,
        invalid,
        instances: instances.length,
        orphans_terminated: count('orphan_terminated'),
        activated: count('activated'),
        failed_vanished: count('failed_vanished'),
        released_vanished: count('released_vanished'),
        failed_unhealthy: count('failed_unhealthy'),
        timed_out: count('timed_out'),
      };
    },
  });
