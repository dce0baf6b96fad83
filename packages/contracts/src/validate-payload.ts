import type { EventType } from './catalog';
import type { ContractIssue } from './contract-error';
import { registry } from './registry';
import { issuesOf, resolveVersion } from './validators';

/**
 * Issues of a payload against `(eventType, version)`, paths relative to the payload
 * (`/gpu_count`); [] when valid. Checked against its major's highest minor (see resolveVersion).
 */
export function validatePayload(
  eventType: EventType,
  version: string,
  payload: unknown,
): ContractIssue[] {
  const compiled = registry.get(eventType);
  if (compiled === undefined) return [{ path: '', message: `unknown event type ${eventType}` }];
  const target = resolveVersion(compiled, version);
  if (target === undefined) {
    return [{ path: '', message: `${eventType} has no schema for version ${version}` }];
  }
  return target.payload.Check(payload) ? [] : issuesOf(target.payload, payload);
}
