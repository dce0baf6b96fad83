import { generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPushTokenVerifier } from '../src/auth/push-auth';

import { countingSubscription, REQUESTED, requestedPayload } from './fixtures';
import { event, Harness, pushBody } from './harness';

const AUDIENCE = 'https://provisioning-worker.example.run.app/push';
const PUSH_SA = 'pubsub-push@platform-prod.iam.gserviceaccount.com';
const KID = 'test-key-1';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function mint(privateKey: KeyObject, claims: Record<string, unknown>, kid = KID): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${b64url(signature)}`;
}

describe('push authentication (Google OIDC)', () => {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let certs: Server;
  let h: Harness;
  let app: Hono;

  const now = () => Math.floor(Date.now() / 1000);
  const validClaims = () => ({
    iss: 'https://accounts.google.com',
    aud: AUDIENCE,
    sub: '1234567890',
    email: PUSH_SA,
    email_verified: true,
    iat: now() - 10,
    exp: now() + 3600,
  });

  beforeAll(async () => {
    // Google's PEM certs endpoint shape: { kid: pem }, served locally (no network).
    const pem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    certs = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ [KID]: pem }));
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    const certsUrl = `http://127.0.0.1:${(certs.address() as AddressInfo).port}/oauth2/v1/certs`;

    h = await Harness.init();
    await h.createTopics('provisioning-worker.dlq', 'gpuaas.provisioning.active');
    ({ app } = h.consumer([countingSubscription()], {
      verifyToken: createPushTokenVerifier({
        audience: AUDIENCE,
        serviceAccountEmail: PUSH_SA,
        certsUrl,
      }),
    }));
  });
  afterAll(async () => {
    certs.close();
    await h.close();
  });

  const deliverWith = async (authorization?: string) => {
    const allocationId = `alloc-${randomUUID()}`;
    const res = await app.request(`/push/${REQUESTED}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(pushBody(event(REQUESTED, requestedPayload(allocationId)))),
    });
    const processed = (await h.firestore.collection('allocations').doc(allocationId).get()).exists;
    return { status: res.status, processed, body: res.status === 204 ? null : await res.json() };
  };

  it('accepts a valid token from the push service account', async () => {
    const result = await deliverWith(`Bearer ${mint(signing.privateKey, validClaims())}`);
    expect(result).toMatchObject({ status: 204, processed: true });
  });

  const rejected: [string, () => string | undefined, number][] = [
    ['no Authorization header', () => undefined, 401],
    ['a non-bearer header', () => 'Basic dXNlcjpwYXNz', 401],
    [
      'the wrong audience',
      () =>
        `Bearer ${mint(signing.privateKey, { ...validClaims(), aud: 'https://other.run.app' })}`,
      401,
    ],
    [
      'the wrong issuer',
      () => `Bearer ${mint(signing.privateKey, { ...validClaims(), iss: 'https://evil.example' })}`,
      401,
    ],
    [
      'an expired token',
      () =>
        `Bearer ${mint(signing.privateKey, { ...validClaims(), iat: now() - 7200, exp: now() - 3600 })}`,
      401,
    ],
    ['a bad signature', () => `Bearer ${mint(impostor.privateKey, validClaims())}`, 401],
    [
      'an unknown key id',
      () => `Bearer ${mint(signing.privateKey, validClaims(), 'other-kid')}`,
      401,
    ],
    [
      'another email',
      () =>
        `Bearer ${mint(signing.privateKey, { ...validClaims(), email: 'intruder@evil.example' })}`,
      403,
    ],
    [
      'email_verified false',
      () => `Bearer ${mint(signing.privateKey, { ...validClaims(), email_verified: false })}`,
      403,
    ],
  ];

  it('guards the outbox sweep task with the same token check', async () => {
    const sweep = (authorization?: string) =>
      app.request('/tasks/outbox-sweep', {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
    expect((await sweep()).status).toBe(401);
    const intruder = mint(signing.privateKey, { ...validClaims(), email: 'intruder@evil.example' });
    expect((await sweep(`Bearer ${intruder}`)).status).toBe(403);
    const ok = await sweep(`Bearer ${mint(signing.privateKey, validClaims())}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ published: 0, failed: 0 });
  });

  it.each(rejected)('rejects %s and processes nothing', async (_name, header, status) => {
    const result = await deliverWith(header());
    expect(result.status).toBe(status);
    expect(result.processed).toBe(false);
    expect(result.body).toMatchObject({ error: expect.any(String) });
  });
});
