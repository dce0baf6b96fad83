// Requests the API refuses: a 400 naming the field, a 404, a 409; nothing changes.
import { examples } from '@gpuaas/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterSummary } from '../src/routes/schemas';
import { ReplayHarness } from './harness';
import { published, pushLetter } from './letters';

type Problem = { status: number; reason: string; field?: string };
const FAILED = 'gpuaas.provisioning.failed';

describe('refused requests', () => {
  let h: ReplayHarness;
  let entryId: string;
  beforeAll(async () => {
    h = await ReplayHarness.start('replay-errors', { REPLAY_MAX_RATE_PER_SECOND: '100' });
    const letter = published(FAILED, { ...examples[FAILED], allocation_id: 'alloc-errors' });
    await pushLetter(h, 'notification-relay', FAILED, letter.data, letter.attributes);
    entryId =
      (await h.api<{ items: DeadLetterSummary[] }>('GET', '/v1/dead-letters')).body.items[0]?.id ??
      '';
  });
  afterAll(() => h.close());

  it.each([
    ['neither ids nor filter', {}, '/ids'],
    [
      'both ids and filter',
      { ids: ['dl_00000000000000000000000000000000'], filter: { consumer: 'ops' } },
      '/ids',
    ],
    ['an empty filter', { filter: {} }, '/filter'],
    ['an unknown consumer', { filter: { consumer: 'nobody' } }, '/filter/consumer'],
    ['a malformed id', { ids: ['x'] }, '/ids/0'],
    [
      'a rate over REPLAY_MAX_RATE_PER_SECOND',
      { filter: { consumer: 'ops' }, rate_per_second: 101 },
      '/rate_per_second',
    ],
    ['an unknown field', { filter: { consumer: 'ops' }, force: true }, '/force'],
    ['a bad time', { filter: { from: 'yesterday' } }, '/filter/from'],
  ])('POST /v1/replays with %s is a 400 naming the field', async (_name, body, field) => {
    const res = await h.api<Problem>('POST', '/v1/replays', { body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('404 for an unknown replay or entry; 409 for repairing an entry that is not parked', async () => {
    expect((await h.api('GET', '/v1/replays/rpl_nothing')).status).toBe(404);
    expect((await h.api('POST', '/v1/replays/rpl_nothing/cancel')).status).toBe(404);
    const missing = `dl_${'1'.repeat(32)}`;
    expect(
      (
        await h.api('POST', `/v1/dead-letters/${missing}/repairs`, {
          body: { payload_json: '{}', reason: 'x' },
        })
      ).status,
    ).toBe(404);
    await h.api('POST', '/v1/discards', { body: { ids: [entryId], reason: 'gone' } });
    const res = await h.api<Problem>('POST', `/v1/dead-letters/${entryId}/repairs`, {
      body: { payload_json: '{}', reason: 'x' },
    });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('not_parked');
    expect((await h.api<{ items: unknown[] }>('GET', '/v1/replays')).body.items).toEqual([]);
  });

  it('documents every route in its OpenAPI document', async () => {
    const doc = await h.api<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths).sort()).toEqual([
      '/v1/audit',
      '/v1/dead-letters',
      '/v1/dead-letters/counts',
      '/v1/dead-letters/{dead_letter_id}',
      '/v1/dead-letters/{dead_letter_id}/repairs',
      '/v1/discards',
      '/v1/flows/{id}',
      '/v1/replays',
      '/v1/replays/{replay_id}',
      '/v1/replays/{replay_id}/cancel',
    ]);
  });
});
