import { AllocationPrice } from '@gpuaas/allocations';
import { defineRoute } from '@gpuaas/http-api';
import { Type } from '@sinclair/typebox';
import type { OrchestratorConfig } from '../config';

export const GpuTypeView = Type.Object(
  {
    gpu_type: Type.String(),
    description: Type.String(),
    max_gpu_count: Type.Integer({ minimum: 1 }),
    regions: Type.Array(Type.String()),
    price: AllocationPrice,
  },
  { $id: 'GpuType', additionalProperties: false },
);

const GpuTypeList = Type.Object(
  { items: Type.Array(GpuTypeView) },
  { $id: 'GpuTypeList', additionalProperties: false },
);

/** `GET /v1/gpu-types`: what can be requested, where, and its current price. */
export function listGpuTypesRoute(config: OrchestratorConfig) {
  const items = Object.entries(config.gpuTypes).map(([gpuType, offer]) => ({
    gpu_type: gpuType,
    description: offer.description,
    max_gpu_count: offer.max_gpu_count,
    regions: [...offer.regions],
    price: config.priceBook[gpuType] as AllocationPrice,
  }));
  return defineRoute({
    method: 'GET',
    path: '/v1/gpu-types',
    summary: 'List the GPU types on offer with their prices',
    tags: ['allocations'],
    auth: 'none',
    responses: { 200: GpuTypeList },
    handler: () => ({ status: 200, body: { items } }),
  });
}
