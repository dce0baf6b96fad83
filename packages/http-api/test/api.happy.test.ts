import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER_ID, seedDemoUser } from '../src/index';
import { Harness, note } from './harness';

describe('an API built from route declarations', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.init();
  });
  afterAll(() => h.close());

  it('creates and reads a resource of the caller, user_id from the principal', async () => {
    const alice = await h.user();
    const created = await h.call('POST', '/v1/notes', {
      auth: alice.auth,
      body: note({ tags: ['gpu'] }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      user_id: alice.userId,
      title: 'train the model',
      priority: 3,
      kind: 'todo',
      tags: ['gpu'],
    });
    const id = created.body.note_id as string;
    expect(created.headers.get('location')).toBe(`/v1/notes/${id}`);
    const read = await h.call('GET', `/v1/notes/${id}`, { auth: alice.auth });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('applies schema defaults and converts query strings to numbers', async () => {
    const bob = await h.user();
    for (let i = 0; i < 3; i++) await h.call('POST', '/v1/notes', { auth: bob.auth, body: note() });
    const page = await h.call('GET', '/v1/notes?limit=2', { auth: bob.auth });
    expect(page.status).toBe(200);
    expect((page.body.items as unknown[]).length).toBe(2);
    const all = await h.call('GET', '/v1/notes', { auth: bob.auth });
    expect((all.body.items as unknown[]).length).toBe(3);
    expect(all.body.next_cursor).toBeNull();
  });

  it('pages through a listing with opaque cursors: every item once, in order', async () => {
    const carol = await h.user();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await h.call('POST', '/v1/notes', {
        auth: carol.auth,
        body: note({ title: `n${i}` }),
      });
      ids.push(res.body.note_id as string);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
      const res = await h.call('GET', `/v1/notes${query}`, { auth: carol.auth });
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { note_id: string }[]).map((n) => n.note_id));
      cursor = res.body.next_cursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('breaks ties on equal sort values by document id, so no item is skipped or repeated', async () => {
    const dave = await h.user();
    for (let i = 0; i < 5; i++)
      await h.call('POST', '/v1/notes', { auth: dave.auth, body: note({ priority: 1 }) });
    const operator = h.operatorToken();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await h.call('GET', `/v1/ops/notes${query}`, { auth: operator });
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as { note_id: string }[]).map((n) => n.note_id));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    const total = (await h.firestore.collection('notes').get()).size;
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('answers a retried POST with the first answer, marked as replayed, running the handler once', async () => {
    const erin = await h.user();
    const key = randomUUID();
    const runs = h.control.runs;
    const first = await h.call('POST', '/v1/notes', {
      auth: erin.auth,
      body: note(),
      headers: { 'idempotency-key': key },
    });
    const again = await h.call('POST', '/v1/notes', {
      auth: erin.auth,
      // The same body with its keys in another order is the same request.
      body: { kind: 'todo', priority: 3, title: 'train the model' },
      headers: { 'idempotency-key': `"${key}"` },
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(h.control.runs - runs).toBe(1);
  });

  it('runs exactly one handler for five identical concurrent requests', async () => {
    const frank = await h.user();
    const key = randomUUID();
    const runs = h.control.runs;
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.call('POST', '/v1/notes', {
          auth: frank.auth,
          body: note(),
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(h.control.runs - runs).toBe(1);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of results) expect([201, 409]).toContain(r.status);
    for (const r of created) expect(r.body).toEqual(created[0]?.body);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.reason).toBe('idempotency_key_in_flight');
    }
    const notes = await h.firestore.collection('notes').where('user_id', '==', frank.userId).get();
    expect(notes.size).toBe(1);
    // Once the first answer is stored, every retry gets it.
    const later = await h.call('POST', '/v1/notes', {
      auth: frank.auth,
      body: note(),
      headers: { 'idempotency-key': key },
    });
    expect(later.status).toBe(201);
    expect(later.body.note_id).toBe(notes.docs[0]?.id);
  });

  it('keeps 4xx answers too: a retried archive of an archived note gets the first 200', async () => {
    const gina = await h.user();
    const created = await h.call('POST', '/v1/notes', { auth: gina.auth, body: note() });
    const id = created.body.note_id as string;
    const key = randomUUID();
    const archive = (k: string) =>
      h.call('POST', `/v1/notes/${id}/archive`, {
        auth: gina.auth,
        headers: { 'idempotency-key': k },
      });
    const first = await archive(key);
    expect(first.status).toBe(200);
    expect((await archive(key)).status).toBe(200);
    const other = await archive(randomUUID());
    expect(other.status).toBe(409);
    expect(other.body.reason).toBe('conflict');
  });

  it('deletes with a 204 and no body', async () => {
    const hank = await h.user();
    const created = await h.call('POST', '/v1/notes', { auth: hank.auth, body: note() });
    const del = await h.call('DELETE', `/v1/notes/${created.body.note_id}`, { auth: hank.auth });
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    expect(
      (await h.call('GET', `/v1/notes/${created.body.note_id}`, { auth: hank.auth })).status,
    ).toBe(404);
  });

  it('tells users and operators apart on user_or_operator routes', async () => {
    const ivy = await h.user();
    expect((await h.call('GET', '/v1/whoami', { auth: ivy.auth })).body).toEqual({
      kind: 'user',
      id: ivy.userId,
    });
    expect((await h.call('GET', '/v1/whoami', { auth: h.operatorToken() })).body).toEqual({
      kind: 'operator',
      id: 'ops@gpuaas.example',
    });
  });

  it('lets an operator create a user, issue another key and revoke one', async () => {
    const operator = h.operatorToken();
    const userId = `u-${randomUUID().slice(0, 8)}`;
    const created = await h.call('POST', '/v1/admin/users', {
      auth: operator,
      body: { user_id: userId, email: 'kim@example.com', display_name: 'Kim' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      user_id: userId,
      api_key: expect.stringMatching(/^gpk_[A-Za-z0-9_-]{43}$/),
    });
    const stored = await h.call('GET', `/v1/admin/users/${userId}`, { auth: operator });
    expect(stored.body).toMatchObject({
      user_id: userId,
      email: 'kim@example.com',
      created_by: 'ops@gpuaas.example',
    });
    // Only the hash is stored: no document holds the key itself.
    const keyDocs = await h.firestore.collection('api_keys').where('user_id', '==', userId).get();
    expect(keyDocs.docs.map((d) => d.id)).not.toContain(created.body.api_key);
    expect(JSON.stringify(keyDocs.docs.map((d) => d.data()))).not.toContain(
      created.body.api_key as string,
    );

    const second = await h.call('POST', `/v1/admin/users/${userId}/keys`, { auth: operator });
    expect(second.status).toBe(201);
    const firstAuth = `Bearer ${created.body.api_key}`;
    const secondAuth = `Bearer ${second.body.api_key}`;
    expect((await h.call('GET', '/v1/whoami', { auth: secondAuth })).body).toEqual({
      kind: 'user',
      id: userId,
    });

    const revoked = await h.call('POST', `/v1/admin/keys/${created.body.key_id}/revoke`, {
      auth: operator,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ key_id: created.body.key_id, user_id: userId });
    const again = await h.call('POST', `/v1/admin/keys/${created.body.key_id}/revoke`, {
      auth: operator,
    });
    expect(again.body).toEqual(revoked.body);
    expect((await h.call('GET', '/v1/whoami', { auth: firstAuth })).status).toBe(401);
    expect((await h.call('GET', '/v1/whoami', { auth: secondAuth })).status).toBe(200);
    expect(await h.registry.exists(userId)).toBe(true);
    expect(await h.registry.exists('nobody-here')).toBe(false);
    expect(await h.registry.exists('users/../x')).toBe(false);
    expect(await h.registry.getUser('a/b')).toBeUndefined();
    await expect(h.registry.createUser({ user_id: 'a/b' }, 'ops')).rejects.toMatchObject({
      status: 400,
      reason: 'validation_failed',
    });
  });

  it('serves a route with auth none to anyone', async () => {
    expect(await h.call('GET', '/v1/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('seeds the local demo user once and issues a fresh working key each time', async () => {
    const first = await seedDemoUser(h.registry);
    const second = await seedDemoUser(h.registry);
    expect(first.userId).toBe(DEMO_USER_ID);
    expect(second.apiKey).not.toBe(first.apiKey);
    for (const { apiKey } of [first, second]) {
      const res = await h.call('GET', '/v1/whoami', { auth: `Bearer ${apiKey}` });
      expect(res.body).toEqual({ kind: 'user', id: DEMO_USER_ID });
    }
    expect((await h.registry.getUser(DEMO_USER_ID))?.created_by).toBe('local-dev');
  });

  it('mounts beside push routes without touching them, keeping its own problems', async () => {
    const service = new Hono();
    service.post('/push/:eventType', async (c) =>
      c.json({ received: (await c.req.text()).length }),
    );
    service.route('/', h.app);
    // Larger than the API's limit (1 MiB): the push route is not the API's business.
    const big = 'x'.repeat(1024 * 1024 + 10);
    const push = await service.request('/push/gpuaas.provisioning.requested', {
      method: 'POST',
      body: big,
    });
    expect(push.status).toBe(200);
    expect(await push.json()).toEqual({ received: big.length });
    const boom = await service.request('/v1/boom');
    expect(boom.status).toBe(500);
    expect(boom.headers.get('content-type')).toBe('application/problem+json');
    const user = await h.user();
    const listed = await service.request('/v1/notes', { headers: { authorization: user.auth } });
    expect(listed.status).toBe(200);
  });
});
