import { type Static, Type } from '@sinclair/typebox';
import { canonicalTimestamp } from '../formats';
import { Identifier } from '../primitives';

/** Product-neutral usage interval; no price here, rating happens in Billing. */
export const BillingUsageMeteredV1 = Type.Object({
  usage_event_id: Type.String({
    minLength: 1,
    description: 'resource_id + ":" + interval_start, so re-emitted intervals collapse',
  }),
  user_id: Identifier,
  product_code: Type.String({ minLength: 1, description: '"gpu" for GPUaaS' }),
  resource_id: Type.String({ minLength: 1, description: 'the allocation_id for GPUaaS' }),
  sku: Type.String({ minLength: 1, description: 'the gpu_type for GPUaaS' }),
  unit: Type.Literal('gpu_second'),
  quantity: Type.Integer({ minimum: 0, description: 'seconds x gpu_count' }),
  interval_start: Type.String({ format: 'date-time', description: 'inclusive' }),
  interval_end: Type.String({ format: 'date-time', description: 'exclusive' }),
  is_final: Type.Boolean({ description: 'true on the partial interval emitted at release' }),
  dimensions: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'e.g. region, provider' }),
  ),
});
export type BillingUsageMeteredV1 = Static<typeof BillingUsageMeteredV1>;

export const BillingUsageMetered = BillingUsageMeteredV1;
export type BillingUsageMetered = BillingUsageMeteredV1;

/**
 * The usage_event_id a producer must use for an interval. The key is this string as sent, so
 * interval_start goes in canonical (one spelling per instant) or a re-emitted interval bills twice.
 */
export function usageEventId(resourceId: string, intervalStart: string): string {
  return `${resourceId}:${canonicalTimestamp(intervalStart)}`;
}
