import { randomUUID } from 'node:crypto';
import {
  checkProvisioningGate,
  requestedPayloadOf,
  storedInstant,
  transitionAllocation,
} from '@gpuaas/allocations';
import { StringEnum } from '@gpuaas/contracts';
import { type ServiceRuntime, traceAttributes } from '@gpuaas/eventing';
import { defineRoute, deriveId, invalidInput, ProblemError } from '@gpuaas/http-api';
import { type Static, Type } from '@sinclair/typebox';
import type { OrchestratorConfig } from '../config';
import { checkOffer } from '../domain/offer';
import { AllocationView, toView } from './allocation-view';
import type { OrchestratorContext } from './context';

/** The request body, from the configured offer: an unknown GPU type or region is a 400 naming it. */
export function allocationRequestSchema(config: OrchestratorConfig) {
  const types = Object.keys(config.gpuTypes) as [string, ...string[]];
  const offers = Object.values(config.gpuTypes);
  const regions = [...new Set(offers.flatMap((o) => o.regions))] as [string, ...string[]];
  const maxCount = Math.max(...offers.map((o) => o.max_gpu_count));
  return Type.Object(
    {
      gpu_type: StringEnum(types),
      gpu_count: Type.Integer({ minimum: 1, maximum: maxCount }),
      region: Type.Optional(StringEnum(regions)),
    },
    { $id: 'AllocationRequest', additionalProperties: false },
  );
}

/**
 * `POST /v1/allocations`: snapshots the price, creates the allocation and emits
 * `gpuaas.provisioning.requested` in one transaction (the producer outbox). With an
 * `Idempotency-Key` the id is derived from it, so a retry finds the allocation it made.
 */
export function requestAllocationRoute(runtime: ServiceRuntime, context: OrchestratorContext) {
  const { config } = context;
  const body = allocationRequestSchema(config);
  return defineRoute({
    method: 'POST',
    path: '/v1/allocations',
    summary: 'Request an allocation of GPUs',
    description:
      'Answers 202 with the allocation in `requested`; the provisioning worker takes it to `active` or `failed`. The price is fixed when it is requested.',
    tags: ['allocations'],
    auth: 'user',
    body,
    responses: { 202: AllocationView },
    responseHeaders: { 202: { Location: 'The allocation: `/v1/allocations/{allocation_id}`' } },
    problems: [402, 409],
    idempotent: true,
    async handler({ body: request, principal, idempotencyKey }) {
      const { firestore, producer } = runtime;
      const input = request as Static<typeof body>;
      const problem = checkOffer(config.gpuTypes, input.gpu_type, input.gpu_count, input.region);
      if (problem) throw invalidInput('body', problem.pointer, problem.detail);
      const price = config.priceBook[input.gpu_type];
      if (!price) throw invalidInput('body', '/gpu_type', `${input.gpu_type} has no price`);

      const gate = await checkProvisioningGate(
        { firestore, balanceOf: context.balanceOf },
        principal.userId,
        { clear: false },
      );
      if (!gate.open) {
        throw new ProblemError(
          402,
          'insufficient_balance',
          `the ${gate.currency} balance is ${gate.balance_micros} micros; add credit first`,
        );
      }

      const allocationId = deriveId('alloc', principal.userId, idempotencyKey ?? randomUUID());
      // The request's trace, kept on the allocation for the work that later belongs to it.
      const { traceparent } = traceAttributes();
      const at = storedInstant(context.now());
      const { result } = await producer.transact(
        async (tx, emit) => {
          const outcome = await transitionAllocation(tx, firestore, allocationId, {
            kind: 'request',
            at,
            allocation: {
              allocation_id: allocationId,
              user_id: principal.userId,
              gpu_type: input.gpu_type,
              gpu_count: input.gpu_count,
              region: input.region ?? null,
              price,
              provisioning_timeout_seconds: config.provisioningTimeoutSeconds,
              requested_at: at,
              ...(traceparent ? { traceparent } : {}),
            },
          });
          if (outcome.applied) {
            emit('gpuaas.provisioning.requested', requestedPayloadOf(outcome.after));
            return outcome.after;
          }
          // A retry after a crash: the first attempt committed it (and its event) already.
          if (outcome.current?.user_id === principal.userId) return outcome.current;
          throw new ProblemError(409, 'conflict', 'the allocation id is taken');
        },
        { correlationId: allocationId },
      );
      return {
        status: 202,
        body: toView(result),
        headers: { location: `/v1/allocations/${allocationId}` },
      };
    },
  });
}
