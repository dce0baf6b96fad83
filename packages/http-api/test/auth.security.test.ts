import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineRoute,
  LOCAL_OPERATOR,
  localOperatorVerifier,
  OperatorAuthConfigError,
  operatorVerifierFromEnv,
  RouteDefinitionError,
} from '../src/index';
import { Harness, note } from './harness';
import { OPERATOR_AUDIENCE, OPERATOR_EMAIL } from './operator-tokens';

const GENERIC_401 = {
  type: 'urn:gpuaas:problem:unauthenticated',
  title: 'Unauthenticated',
  status: 401,
  reason: 'unauthenticated',
};

describe('user API keys', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.init();
  });
  afterAll(() => h.close());

  it.each([
    ['no Authorization header', undefined],
    ['a Basic header', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['a made-up key', `Bearer gpk_${'A'.repeat(43)}`],
    ['a key of the wrong shape', 'Bearer gpk_short'],
    ['an operator token on a user route', 'OPERATOR'],
  ])('%s is a 401 with a generic problem', async (_name, header) => {
    const auth = header === 'OPERATOR' ? h.operatorToken() : header;
    const res = await h.call('GET', '/v1/notes', { ...(auth ? { auth } : {}) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toMatchObject(GENERIC_401);
  });

  it('a revoked key is a 401', async () => {
    const user = await h.user();
    expect((await h.call('GET', '/v1/notes', { auth: user.auth })).status).toBe(200);
    await h.registry.revokeKey(user.keyId);
    const res = await h.call('GET', '/v1/notes', { auth: user.auth });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject(GENERIC_401);
  });

  it('authenticates before validating: an anonymous caller learns nothing of the input rules', async () => {
    const res = await h.call('POST', '/v1/notes', { body: { nonsense: true } });
    expect(res.status).toBe(401);
    expect(res.body.errors).toBeUndefined();
  });

  it('a user key on an operator route is a 403', async () => {
    const user = await h.user();
    for (const [method, path] of [
      ['GET', '/v1/ops/notes'],
      ['POST', '/v1/admin/users'],
      ['POST', `/v1/admin/users/${user.userId}/keys`],
      ['POST', `/v1/admin/keys/${user.keyId}/revoke`],
    ] as const) {
      const res = await h.call(method, path, {
        auth: user.auth,
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect(res.status, path).toBe(403);
      expect(res.body.reason).toBe('forbidden');
    }
    // The revoke above was refused: the key still works.
    expect((await h.call('GET', '/v1/notes', { auth: user.auth })).status).toBe(200);
  });

  it("another user's resource is a 404, exactly like one that does not exist", async () => {
    const alice = await h.user();
    const mallory = await h.user();
    const created = await h.call('POST', '/v1/notes', { auth: alice.auth, body: note() });
    const id = created.body.note_id as string;
    const missing = await h.call('GET', `/v1/notes/note_${randomUUID()}`, { auth: mallory.auth });
    const theirs = await h.call('GET', `/v1/notes/${id}`, { auth: mallory.auth });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual({ ...missing.body, detail: 'note not found' });
    expect(missing.body.detail).toBe('note not found');
    const del = await h.call('DELETE', `/v1/notes/${id}`, { auth: mallory.auth });
    expect(del.status).toBe(404);
    const archive = await h.call('POST', `/v1/notes/${id}/archive`, {
      auth: mallory.auth,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(archive.status).toBe(404);
    expect((await h.call('GET', `/v1/notes/${id}`, { auth: alice.auth })).body.archived).toBe(
      false,
    );
    const list = await h.call('GET', '/v1/notes', { auth: mallory.auth });
    expect(list.body.items).toEqual([]);
  });

  it("one user's Idempotency-Key never answers another user's request", async () => {
    const alice = await h.user();
    const bob = await h.user();
    const key = randomUUID();
    const a = await h.call('POST', '/v1/notes', {
      auth: alice.auth,
      body: note(),
      headers: { 'idempotency-key': key },
    });
    const b = await h.call('POST', '/v1/notes', {
      auth: bob.auth,
      body: note(),
      headers: { 'idempotency-key': key },
    });
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.user_id).toBe(bob.userId);
    expect(b.body.note_id).not.toBe(a.body.note_id);
  });

  it('refuses, at definition time, a user route whose body or query carries user_id', () => {
    const base = {
      method: 'POST',
      path: '/v1/x',
      summary: 'x',
      responses: { 200: Type.Object({}) },
      idempotent: false,
      handler: () => ({ status: 200 as const, body: {} }),
    } as const;
    const withUserId = Type.Object({ user_id: Type.String() }, { additionalProperties: false });
    expect(() => defineRoute({ ...base, auth: 'user', body: withUserId })).toThrow(
      RouteDefinitionError,
    );
    expect(() => defineRoute({ ...base, method: 'GET', auth: 'user', query: withUserId })).toThrow(
      /user_id/,
    );
    expect(() => defineRoute({ ...base, auth: 'user_or_operator', body: withUserId })).toThrow(
      /user_id/,
    );
    expect(() => defineRoute({ ...base, auth: 'operator', body: withUserId })).not.toThrow();
    // @ts-expect-error auth is mandatory
    expect(() => defineRoute({ ...base, auth: undefined })).toThrow(/auth must be one of/);
  });
});

describe('operator identity tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.init();
  });
  afterAll(() => h.close());

  const list = (auth?: string) => h.call('GET', '/v1/ops/notes', { ...(auth ? { auth } : {}) });

  it('accepts a valid token of an allow-listed, verified operator (case-insensitive email)', async () => {
    expect((await list(h.operatorToken())).status).toBe(200);
    expect((await list(h.operatorToken({ email: OPERATOR_EMAIL.toUpperCase() }))).status).toBe(200);
  });

  const rejected: [string, () => string | undefined, number][] = [
    ['no token', () => undefined, 401],
    ['alg none', () => `Bearer ${h.tokens.mintUnsigned()}`, 401],
    ['HS256 keyed with the public key', () => `Bearer ${h.tokens.mintHs256WithPublicKey()}`, 401],
    ['the wrong audience', () => h.operatorToken({ aud: 'https://other.run.app' }), 401],
    ['the wrong issuer', () => h.operatorToken({ iss: 'https://evil.example' }), 401],
    [
      'an expired token',
      () =>
        h.operatorToken({
          iat: Math.floor(Date.now() / 1000) - 7200,
          exp: Math.floor(Date.now() / 1000) - 3600,
        }),
      401,
    ],
    ['a bad signature', () => `Bearer ${h.tokens.mint({}, h.tokens.impostor.privateKey)}`, 401],
    [
      'an unknown key id',
      () => `Bearer ${h.tokens.mint({}, h.tokens.signing.privateKey, 'other-kid')}`,
      401,
    ],
    ['garbage', () => 'Bearer not.a.jwt', 401],
    ['no email claim', () => h.operatorToken({ email: undefined }), 401],
    [
      'an email not on the allow-list',
      () => h.operatorToken({ email: 'intruder@evil.example' }),
      403,
    ],
    ['email_verified false', () => h.operatorToken({ email_verified: false }), 403],
    ['email_verified as a string', () => h.operatorToken({ email_verified: 'true' }), 403],
  ];

  it.each(rejected)('refuses %s', async (_name, header, status) => {
    const auth = header();
    const res = await list(auth);
    expect(res.status).toBe(status);
    // Generic bodies: never the token library's message, never the token.
    expect(res.body.detail).toBe(status === 401 ? 'invalid credentials' : 'not allowed');
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/pem|signature|envelope|audience|issuer|expired|allow-list|verified/i);
    if (auth) expect(text).not.toContain(auth.slice(7, 40));
  });

  it('logs why a token was refused, without the token', async () => {
    const token = h.tokens.mint({ aud: 'https://other.run.app' });
    await list(`Bearer ${token}`);
    const line = h.logs.findLast((l) => l.reason === 'unauthenticated');
    const text = JSON.stringify(line);
    expect(text).toMatch(/audience/i);
    expect(text).not.toContain(token.split('.')[1] as string);
  });

  it('an operator token on a user_or_operator route is the operator', async () => {
    const res = await h.call('GET', '/v1/whoami', { auth: h.operatorToken() });
    expect(res.body).toEqual({ kind: 'operator', id: OPERATOR_EMAIL });
    expect((await h.call('GET', '/v1/whoami')).status).toBe(401);
  });
});

describe('operator auth turned off locally', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.init({ operators: localOperatorVerifier({}) });
  });
  afterAll(() => h.close());

  it('every operator route sees local-operator, and a user key stays a user', async () => {
    const created = await h.call('POST', '/v1/admin/users', { body: {} });
    expect(created.status).toBe(201);
    const user = await h.registry.getUser(created.body.user_id as string);
    expect(user?.created_by).toBe(LOCAL_OPERATOR.email);
    const auth = `Bearer ${created.body.api_key}`;
    expect((await h.call('GET', '/v1/ops/notes', { auth })).status).toBe(403);
    expect((await h.call('GET', '/v1/notes')).status).toBe(401);
  });

  it('is refused on Cloud Run', () => {
    expect(() => localOperatorVerifier({ K_SERVICE: 'orchestrator' })).toThrow(
      OperatorAuthConfigError,
    );
    expect(() =>
      operatorVerifierFromEnv({ OPERATOR_AUTH: 'off', K_SERVICE: 'orchestrator' }),
    ).toThrow(/OPERATOR_AUTH: off is refused on Cloud Run/);
  });

  it('is only ever explicit: the default needs an audience and an allow-list', () => {
    expect(() => operatorVerifierFromEnv({})).toThrow(/OPERATOR_AUDIENCE/);
    expect(() => operatorVerifierFromEnv({ OPERATOR_AUDIENCE: OPERATOR_AUDIENCE })).toThrow(
      /OPERATOR_ALLOW_LIST/,
    );
    expect(() => operatorVerifierFromEnv({ OPERATOR_AUTH: 'of' })).toThrow(/must be google or off/);
    expect(
      operatorVerifierFromEnv({
        OPERATOR_AUDIENCE: OPERATOR_AUDIENCE,
        OPERATOR_ALLOW_LIST: `${OPERATOR_EMAIL}, b@x.y`,
      }),
    ).toBeTypeOf('function');
  });
});
