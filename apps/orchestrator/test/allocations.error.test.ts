import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, Harness } from './harness';

describe('bad allocation requests', () => {
  let h: Harness;
  let apiKey: string;
  beforeAll(async () => {
    h = await Harness.start();
    ({ apiKey } = await h.user());
  });
  afterAll(() => h.close());

  const post = (options: Omit<CallOptions, 'auth'>) =>
    h.call('POST', '/v1/allocations', { auth: apiKey, ...options });

  it.each([
    ['a missing field', { gpu_type: 'h100' }, '/gpu_count'],
    ['an unknown GPU type', { gpu_type: 'b900', gpu_count: 1 }, '/gpu_type'],
    ['gpu_count 0', { gpu_type: 'h100', gpu_count: 0 }, '/gpu_count'],
    ['gpu_count 10,000', { gpu_type: 'h100', gpu_count: 10_000 }, '/gpu_count'],
    ['a fractional gpu_count', { gpu_type: 'h100', gpu_count: 1.5 }, '/gpu_count'],
    ['more than the type allows', { gpu_type: 't4', gpu_count: 8 }, '/gpu_count'],
    ['an unknown region', { gpu_type: 'h100', gpu_count: 1, region: 'mars-1' }, '/region'],
    ['an unknown field', { gpu_type: 'h100', gpu_count: 1, user_id: 'someone' }, '/user_id'],
    ['a string count', { gpu_type: 'h100', gpu_count: '2' }, '/gpu_count'],
  ])('answers %s with a 400 naming %s', async (_what, body, field) => {
    const res = await post({ body });
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ reason: 'validation_failed', field });
  });

  it('answers a body that is not JSON with malformed_json', async () => {
    const res = await post({ raw: '{"gpu_type": "h100",' });
    expect(res.status).toBe(400);
    expect(res.body.reason).toBe('malformed_json');
  });

  it('answers an oversized body with a 413 problem before reading it', async () => {
    const res = await post({
      raw: JSON.stringify({ gpu_type: 'h100', gpu_count: 1, pad: 'x'.repeat(64 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.reason).toBe('body_too_large');
  });

  it('answers a body that is not application/json with a 415 problem', async () => {
    const res = await post({ raw: 'gpu_type=h100', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });

  it('answers bad path and query values with a 400 naming them', async () => {
    const path = await h.call('GET', '/v1/allocations/not%20an%20id', { auth: apiKey });
    expect(path.status).toBe(400);
    expect(path.body.field).toBe('/allocation_id');
    const status = await h.call('GET', '/v1/allocations?status=sleeping', { auth: apiKey });
    expect(status.status).toBe(400);
    expect(status.body.field).toBe('/status');
    const cursor = await h.call('GET', '/v1/allocations?cursor=bogus', { auth: apiKey });
    expect(cursor.body).toMatchObject({ status: 400, reason: 'invalid_cursor' });
  });

  it('emitted and stored nothing for any of them', async () => {
    const ok = await post({ body: { gpu_type: 'h100', gpu_count: 1 } });
    expect(ok.status).toBe(202);
    // The one good request is the only event: every bad one before it emitted nothing.
    const [only] = await h.requested.waitForCount(1);
    expect(only?.json?.payload?.allocation_id).toBe(ok.body.allocation_id);
    const stored = await h.firestore.collection('allocations').get();
    expect(stored.docs.map((d) => d.id)).toEqual([ok.body.allocation_id]);
    expect(h.requested.received).toHaveLength(1);
  });
});
