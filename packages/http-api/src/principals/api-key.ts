import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'gpk_';

/** `gpk_` + 32 random bytes, base64url (43 characters). */
const API_KEY_PATTERN = /^gpk_[A-Za-z0-9_-]{43}$/;

/** A fresh API key; shown to its owner once, stored only as its hash. */
export const newApiKey = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** The public id of a key (for listing and revoking it), never usable as a credential. */
export const newKeyId = (): string => `key_${randomBytes(9).toString('base64url')}`;

export const isApiKeyShaped = (value: string): boolean => API_KEY_PATTERN.test(value);

/**
 * The stored form of a key. A plain sha256 suffices: a 256-bit random key cannot be guessed, so a
 * slow password KDF (bcrypt, scrypt) would add latency to every request and no security.
 */
export const apiKeyHash = (apiKey: string): string =>
  createHash('sha256').update(apiKey).digest('hex');
