import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failureOf, reasonHash, sanitizeMessage } from './reason';

describe('failure reasons', () => {
  it('hashes reason_code + ":" + the normalized message (DOMAIN.md)', () => {
    const expected = createHash('sha256').update('no_capacity:no h100 left').digest('hex');
    expect(reasonHash('no_capacity', '  No   H100\nleft ')).toBe(expected);
    expect(reasonHash('no_capacity', '  No   H100 left ')).toBe(expected);
    expect(reasonHash('no_capacity', 'no h100 left')).toBe(expected);
  });

  it('sanitises: control characters, long tokens, 512 characters at most', () => {
    expect(sanitizeMessage('bad\u0000line\nnext')).toBe('bad line next');
    expect(sanitizeMessage(`token ${'a'.repeat(50)} end`)).toBe('token [redacted] end');
    expect(sanitizeMessage('word '.repeat(200))).toHaveLength(512);
  });

  it('builds a failure whose hash matches its sanitised message', () => {
    const failure = failureOf('provider_error', 'boom\tboom', { attempts: 2, retryable: true });
    expect(failure).toMatchObject({
      reason_message: 'boom boom',
      attempts: 2,
      provider_instance_id: null,
    });
    expect(failure.reason_hash).toBe(reasonHash('provider_error', 'boom boom'));
  });
});
