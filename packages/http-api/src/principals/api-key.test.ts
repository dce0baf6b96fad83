import { describe, expect, it } from 'vitest';
import { apiKeyHash, isApiKeyShaped, newApiKey, newKeyId } from './api-key';

describe('API keys', () => {
  it('are gpk_ plus 32 random bytes, hashed to sha256 hex', () => {
    const key = newApiKey();
    expect(key).toMatch(/^gpk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), 'base64url')).toHaveLength(32);
    expect(isApiKeyShaped(key)).toBe(true);
    expect(newApiKey()).not.toBe(key);
    expect(apiKeyHash(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(apiKeyHash(key)).not.toContain(key.slice(4, 20));
    expect(newKeyId()).toMatch(/^key_[A-Za-z0-9_-]{12}$/);
  });

  it('recognise only their own shape', () => {
    expect(isApiKeyShaped('gpk_short')).toBe(false);
    expect(isApiKeyShaped(`gpk_${'a'.repeat(43)}x`)).toBe(false);
    expect(isApiKeyShaped(`xyz_${'a'.repeat(43)}`)).toBe(false);
  });
});
