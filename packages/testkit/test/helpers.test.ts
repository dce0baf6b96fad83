import { describe, expect, it } from 'vitest';
import { uniqueProjectId, WaitForTimeoutError, waitFor } from '../src/index';

const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

describe('uniqueProjectId', () => {
  it('returns valid, distinct GCP project ids', () => {
    const ids = Array.from({ length: 1_000 }, () => uniqueProjectId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(GCP_PROJECT_ID);
    expect(ids[0]).toMatch(/^test-/);
  });

  it('turns any prefix into a valid id', () => {
    for (const prefix of [
      'Billing_Worker',
      '9lives',
      '---',
      '',
      'a-very-long-prefix-that-goes-on-and-on',
      'x-',
    ]) {
      const id = uniqueProjectId(prefix);
      expect(id, prefix).toMatch(GCP_PROJECT_ID);
      expect(id.length).toBeLessThanOrEqual(30);
    }
    expect(uniqueProjectId('Billing_Worker')).toMatch(/^billing-/);
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  it('keeps polling through errors and reports the last one on timeout', async () => {
    const error = await waitFor(
      () => {
        throw new Error('not yet');
      },
      { timeoutMs: 100, intervalMs: 10, message: 'the thing' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as Error).message).toBe(
      'waitFor: the thing not met within 100 ms (last error: not yet)',
    );
  });

  it('awaits async predicates', async () => {
    const started = Date.now();
    await waitFor(async () => Date.now() - started > 50, { timeoutMs: 1_000, intervalMs: 10 });
    expect(Date.now() - started).toBeGreaterThan(50);
  });
});
