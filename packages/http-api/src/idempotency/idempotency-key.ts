import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parseItem } from 'structured-headers';
import type { Principal } from '../principals/principal';
import { invalidInput } from '../problem/problem-error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const invalid = (detail: string) =>
  invalidInput('header', `/${IDEMPOTENCY_KEY_HEADER}`, detail, 'idempotency_key_invalid');

/**
 * The key of an `Idempotency-Key` header. The draft makes it a structured-field string
 * (`"8e03…"`); the bare form many clients send (`8e03…`) is taken as the key itself.
 */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = header.trim();
  // An empty header is a client whose key went missing: refused, not a request without one.
  if (raw.length === 0) throw invalid('Idempotency-Key is empty');
  let key = raw;
  if (raw.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = parseItem(raw)[0];
    } catch {
      throw invalid('Idempotency-Key is not a valid structured-field string');
    }
    if (typeof parsed !== 'string') throw invalid('Idempotency-Key must be a string');
    key = parsed;
  } else if (!/^[\x21-\x7e]+$/.test(raw)) {
    throw invalid('Idempotency-Key must be visible ASCII');
  }
  if (key.length === 0) throw invalid('Idempotency-Key is empty');
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalid(`Idempotency-Key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  return key;
}

const sha256 = (value: unknown): string =>
  createHash('sha256')
    .update(canonicalize(value) ?? 'null')
    .digest('hex');

export const principalKey = (principal: Principal | null): string =>
  principal === null
    ? 'anonymous'
    : principal.kind === 'user'
      ? `user:${principal.userId}`
      : `operator:${principal.email}`;

/** One record per (caller, method, path template, key): two callers never share a key. */
export const idempotencyRecordId = (
  principal: Principal | null,
  method: string,
  pathTemplate: string,
  key: string,
): string => sha256([principalKey(principal), method, pathTemplate, key]);

/** What makes a retry "the same request": its path parameters and its body (RFC 8785 JSON). */
export const requestFingerprint = (params: unknown, body: unknown): string =>
  sha256({ params, body: body ?? null });
