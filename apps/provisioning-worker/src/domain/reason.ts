import { createHash } from 'node:crypto';
import type { FailureInput } from '@gpuaas/allocations';
import type { ProvisioningFailureReason } from '@gpuaas/contracts';

const MAX_MESSAGE = 512;
// Control characters (a provider message is untrusted text).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;
// Long opaque tokens (keys, signed URLs): never shown to users or stored in events.
const TOKEN = /[A-Za-z0-9+/_=-]{40,}/g;

/** A provider or internal message fit for an event: printable, tokens redacted, at most 512 characters. */
export function sanitizeMessage(message: string): string {
  const clean = message.replace(CONTROL, ' ').replace(TOKEN, '[redacted]').replace(/\s+/g, ' ');
  return clean.trim().slice(0, MAX_MESSAGE);
}

/** The message as hashed: sanitised and lower-cased, so cosmetic differences make one hash. */
export const normalizeMessage = (message: string): string => sanitizeMessage(message).toLowerCase();

/** DOMAIN.md's `reason_hash`: sha256 hex of `reason_code + ":" + normalized_message`. */
export function reasonHash(code: string, message: string): string {
  return createHash('sha256')
    .update(`${code}:${normalizeMessage(message)}`)
    .digest('hex');
}

export interface FailureOptions {
  attempts: number;
  retryable: boolean;
  providerInstanceId?: string | null;
}

/** The failure an allocation is failed with, message sanitised and hashed. */
export function failureOf(
  code: ProvisioningFailureReason,
  message: string,
  options: FailureOptions,
): FailureInput {
  const reasonMessage = sanitizeMessage(message) || code;
  return {
    reason_code: code,
    reason_message: reasonMessage,
    reason_hash: reasonHash(code, reasonMessage),
    attempts: options.attempts,
    retryable: options.retryable,
    provider_instance_id: options.providerInstanceId ?? null,
  };
}
