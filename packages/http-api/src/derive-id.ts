import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A deterministic id from a request's identity, e.g. `deriveId('alloc', userId, idempotencyKey)`:
 * a retry after a crash finds the state its first attempt committed under the same id.
 */
export const deriveId = (prefix: string, ...parts: string[]): string =>
  `${prefix}_${createHash('sha256')
    .update(canonicalize(parts) ?? '')
    .digest('base64url')
    .slice(0, 24)}`;
