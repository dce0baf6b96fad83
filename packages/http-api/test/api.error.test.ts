import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, note } from './harness';

const problemShape = (status: number, reason: string) => ({
  type: `urn:gpuaas:problem:${reason}`,
  title: expect.any(String),
  status,
  detail: expect.any(String),
  reason,
});

describe('bad input answers with a problem naming the field', () => {
  let h: Harness;
  let auth: string;
  beforeAll(async () => {
    h = await Harness.init({ bodyLimitBytes: 2048 });
    auth = (await h.user()).auth;
  });
  afterAll(() => h.close());

  const post = (body: unknown) => h.call('POST', '/v1/notes', { auth, body });

  it.each([
    ['a missing field', { priority: 1, kind: 'todo' }, '/title'],
    ['an unknown enum value', note({ kind: 'poem' }), '/kind'],
    ['an integer out of range', note({ priority: 6 }), '/priority'],
    ['a fraction where an integer belongs', note({ priority: 2.5 }), '/priority'],
    ['a number as a string', note({ priority: '3' }), '/priority'],
    ['an unknown field', note({ colour: 'red' }), '/colour'],
    ['user_id in the body', note({ user_id: 'someone-else' }), '/user_id'],
    ['a bad array item', note({ tags: ['ok', 7] }), '/tags/1'],
  ])('%s', async (_name, body, pointer) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.contentType).toBe('application/problem+json');
    expect(res.body).toMatchObject({ ...problemShape(400, 'validation_failed'), field: pointer });
    expect(res.body.errors).toContainEqual({ pointer, in: 'body', detail: expect.any(String) });
  });

  it('names the allowed values of an enum', async () => {
    const res = await post(note({ kind: 'poem' }));
    expect((res.body.errors as { detail: string }[])[0]?.detail).toBe(
      'Expected one of "todo", "idea"',
    );
  });

  it('reports every bad field, not only the first', async () => {
    const res = await post({ title: '', priority: 0, kind: 'x', extra: true });
    const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/extra', '/kind', '/priority', '/title']);
  });

  it('a body that is not JSON is malformed_json', async () => {
    const res = await h.call('POST', '/v1/notes', { auth, rawBody: '{"title": "x",' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ...problemShape(400, 'malformed_json'), field: '' });
  });

  it('an empty body and a JSON array are refused', async () => {
    expect((await h.call('POST', '/v1/notes', { auth, rawBody: '' })).body.reason).toBe(
      'malformed_json',
    );
    const array = await post([note()]);
    expect(array.status).toBe(400);
    expect(array.body).toMatchObject({ reason: 'validation_failed', field: '' });
  });

  it('a body of another media type is a 415', async () => {
    const res = await h.call('POST', '/v1/notes', {
      auth,
      rawBody: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.reason).toBe('unsupported_media_type');
  });

  it('an oversized body is a 413, with or without a content-length', async () => {
    const big = JSON.stringify(note({ title: 'x'.repeat(4096) }));
    const withoutLength = await h.call('POST', '/v1/notes', { auth, rawBody: big });
    expect(withoutLength.status).toBe(413);
    expect(withoutLength.body).toMatchObject(problemShape(413, 'body_too_large'));
    const withLength = await h.call('POST', '/v1/notes', {
      auth,
      rawBody: big,
      headers: { 'content-length': String(Buffer.byteLength(big)) },
    });
    expect(withLength.status).toBe(413);
  });

  it.each([
    ['limit=0', '/limit'],
    ['limit=101', '/limit'],
    ['limit=ten', '/limit'],
    ['limit=1.5', '/limit'],
    ['limit=1e1', '/limit'],
    ['limit=0x10', '/limit'],
    ['kind=poem', '/kind'],
  ])('a bad query parameter (%s) names it', async (query, pointer) => {
    const res = await h.call('GET', `/v1/notes?${query}`, { auth });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'validation_failed', field: pointer });
    expect(res.body.errors).toContainEqual({ pointer, in: 'query', detail: expect.any(String) });
  });

  it('a path parameter out of its schema names it', async () => {
    const res = await h.call('GET', `/v1/notes/${'n'.repeat(65)}`, { auth });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({
      pointer: '/note_id',
      in: 'path',
      detail: expect.any(String),
    });
  });

  it('a tampered cursor is a 400 naming /cursor', async () => {
    for (let i = 0; i < 3; i++) await post(note());
    const page = await h.call('GET', '/v1/notes?limit=1', { auth });
    const cursor = page.body.next_cursor as string;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    const tampered = [
      'not-base64!',
      `${cursor.slice(0, -3)}`,
      Buffer.from('{"o":1}').toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, v: [] })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, p: 'other/doc' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, p: 'notes' })).toString('base64url'),
      Buffer.from(JSON.stringify({ ...decoded, extra: 1 })).toString('base64url'),
    ];
    for (const bad of tampered) {
      const res = await h.call('GET', `/v1/notes?cursor=${encodeURIComponent(bad)}`, { auth });
      expect(res.status, bad).toBe(400);
      expect(res.body).toMatchObject({ reason: 'invalid_cursor', field: '/cursor' });
    }
  });

  it('a cursor of another listing (another ordering) is refused', async () => {
    const ops = await h.call('GET', '/v1/ops/notes?limit=1', { auth: h.operatorToken() });
    const foreign = ops.body.next_cursor as string;
    expect(foreign).toEqual(expect.any(String));
    const res = await h.call('GET', `/v1/notes?cursor=${foreign}`, { auth });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('/cursor');
  });

  it('the registry answers unknown users and keys with 404 and a taken user_id with 409', async () => {
    const operator = h.operatorToken();
    const userId = `u-${randomUUID().slice(0, 8)}`;
    const create = () =>
      h.call('POST', '/v1/admin/users', { auth: operator, body: { user_id: userId } });
    expect((await create()).status).toBe(201);
    const taken = await create();
    expect(taken.status).toBe(409);
    expect(taken.body.reason).toBe('user_exists');
    const keys = await h.call('POST', '/v1/admin/users/nobody-here/keys', { auth: operator });
    expect(keys.status).toBe(404);
    const revoke = await h.call('POST', '/v1/admin/keys/key_AAAAAAAAAAAA/revoke', {
      auth: operator,
    });
    expect(revoke.status).toBe(404);
    const user = await h.call('GET', '/v1/admin/users/nobody-here', { auth: operator });
    expect(user.status).toBe(404);
    const badId = await h.call('POST', '/v1/admin/users', {
      auth: operator,
      body: { user_id: 'a/b' },
    });
    expect(badId.body).toMatchObject({ status: 400, field: '/user_id' });
  });

  it('an unknown route is a 404 problem', async () => {
    const res = await h.call('GET', '/v1/nothing-here', { auth });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(problemShape(404, 'not_found'));
  });

  it('an unexpected error is a generic 500: the detail is in the log, not the answer', async () => {
    const res = await h.call('GET', '/v1/boom');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: 'urn:gpuaas:problem:internal_error',
      title: 'Internal error',
      status: 500,
      detail: 'an unexpected error occurred',
      reason: 'internal_error',
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const line = h.logs.find((l) => l.path === '/v1/boom');
    expect(JSON.stringify(line)).toContain('hunter2');
  });
});

describe('Idempotency-Key misuse', () => {
  let h: Harness;
  let auth: string;
  beforeAll(async () => {
    h = await Harness.init({ idempotency: { leaseMs: 1500 } });
    auth = (await h.user()).auth;
  });
  afterAll(() => h.close());

  const post = (key: string, body: unknown = note()) =>
    h.call('POST', '/v1/notes', { auth, body, headers: { 'idempotency-key': key } });

  it('the same key with another body is a 422', async () => {
    const key = randomUUID();
    expect((await post(key)).status).toBe(201);
    const res = await post(key, note({ title: 'something else' }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject(problemShape(422, 'idempotency_key_reused'));
  });

  it('the same key on another resource of the same route template is a 422, never its answer', async () => {
    const a = await h.call('POST', '/v1/notes', { auth, body: note() });
    const b = await h.call('POST', '/v1/notes', { auth, body: note() });
    const key = randomUUID();
    const archive = (id: unknown) =>
      h.call('POST', `/v1/notes/${id}/archive`, { auth, headers: { 'idempotency-key': key } });
    expect((await archive(a.body.note_id)).status).toBe(200);
    expect((await archive(b.body.note_id)).status).toBe(422);
  });

  it('a key still in flight is a 409; once answered, the retry gets the answer', async () => {
    const key = randomUUID();
    let release = () => {};
    h.control.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = post(key);
    // Wait until the first request holds the key (its handler has run).
    const runs = h.control.runs;
    while (h.control.runs === runs) await new Promise((r) => setTimeout(r, 10));
    const second = await post(key);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject(problemShape(409, 'idempotency_key_in_flight'));
    release();
    h.control.hold = undefined;
    expect((await first).status).toBe(201);
    const third = await post(key);
    expect(third.status).toBe(201);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a 5xx keeps no answer: the retry runs the handler again and finds its own state', async () => {
    const key = randomUUID();
    h.control.failNext = new Error('crashed after commit');
    const runs = h.control.runs;
    const failed = await post(key);
    expect(failed.status).toBe(500);
    const retried = await post(key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(h.control.runs - runs).toBe(2);
    // The deterministic id: the retry wrote over the first attempt's note, not beside it.
    const mine = await h.firestore
      .collection('notes')
      .where('note_id', '==', retried.body.note_id)
      .get();
    expect(mine.size).toBe(1);
  });

  it('a key whose holder died is taken over after its lease', async () => {
    const key = randomUUID();
    let release = () => {};
    h.control.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const stuck = post(key);
    const runs = h.control.runs;
    while (h.control.runs === runs) await new Promise((r) => setTimeout(r, 10));
    h.control.hold = undefined;
    expect((await post(key)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1600));
    const takeover = await post(key);
    expect(takeover.status).toBe(201);
    release();
    // The presumed-dead holder answers late; it must not overwrite the stored answer.
    expect((await stuck).status).toBe(201);
    const replay = await post(key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(takeover.body);
  });

  it.each([
    ['that is empty (a client whose key went missing)', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['an unterminated structured string', '"abc'],
    ['a structured token that is not a string', '"a" ; x=1'.replace('"a"', '?1')],
  ])('a key %s is a 400, and nothing is created', async (_name, key) => {
    const title = `refused-${Math.random()}`;
    const res = await post(key, note({ title }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      reason: 'idempotency_key_invalid',
      field: '/Idempotency-Key',
    });
    const listed = await h.call('GET', '/v1/notes?limit=100', { auth });
    expect(JSON.stringify(listed.body)).not.toContain(title);
  });

  it('accepts a key of exactly 255 characters', async () => {
    expect((await post('k'.repeat(255))).status).toBe(201);
  });

  it('a route that requires a key refuses a request without one', async () => {
    const created = await h.call('POST', '/v1/notes', { auth, body: note() });
    const res = await h.call('POST', `/v1/notes/${created.body.note_id}/archive`, { auth });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      reason: 'idempotency_key_missing',
      field: '/Idempotency-Key',
    });
  });
});
