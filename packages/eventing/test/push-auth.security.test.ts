import { createHmac, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePushReceiver } from '../src/service/push-receiver';
import type { Service } from '../src/service/service';
import { defineTask } from '../src/service/task';
import { event, postPush, pushBody, rawPushBody } from '../src/testing/push-bodies';
import { TestBus } from '../src/testing/test-bus';
import { countingSubscription, DLQ, REQUESTED, requestedPayload } from './fixtures';

const AUDIENCE = 'https://provisioning-worker.example.run.app/push';
const PUSH_SA = 'pubsub-push@platform-prod.iam.gserviceaccount.com';
const KID = 'test-key-1';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

function mint(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: KID },
): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
  return `${head}.${body}.${b64url(signature)}`;
}

describe('push authentication (Google OIDC)', () => {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let certs: Server;
  let bus: TestBus;
  let service: Service;
  const received: string[] = [];

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
  const bearer = (claims: Record<string, unknown>, key = signing.privateKey) =>
    `Bearer ${mint(key, claims)}`;

  beforeAll(async () => {
    // Google's PEM certs endpoint shape: { kid: pem }, served locally (no network).
    certs = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ [KID]: pem }));
    });
    await new Promise<void>((resolve) => certs.listen(0, '127.0.0.1', resolve));
    const certsUrl = `http://127.0.0.1:${(certs.address() as AddressInfo).port}/oauth2/v1/certs`;

    bus = await TestBus.start('evt-auth');
    await bus.createTopics(DLQ, 'gpuaas.provisioning.active', 'ops.dlq');
    service = bus.create({
      // The certificates URL comes from configuration, as in production.
      config: bus.config('provisioning-worker', {
        PUSH_AUTH: 'oidc',
        PUSH_AUDIENCE: AUDIENCE,
        PUSH_SERVICE_ACCOUNT: PUSH_SA,
        PUSH_CERTS_URL: certsUrl,
      }),
      subscriptions: [countingSubscription()],
      basePaths: { 'provisioning-worker': '/worker' },
      tasks: [defineTask({ name: 'meter', run: async () => ({ metered: 0 }) })],
      receivers: [
        definePushReceiver({
          path: '/push/dead-letter/ops',
          async receive(message) {
            received.push(message.messageId);
            return 'ack';
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    certs.close();
    await bus.close();
  });

  const deliverWith = async (authorization?: string) => {
    const allocationId = `alloc-${randomUUID()}`;
    const res = await postPush(
      service.app,
      `/worker/push/${REQUESTED}`,
      pushBody(event(REQUESTED, requestedPayload(allocationId))),
      authorization ? { authorization } : {},
    );
    const processed = (await bus.firestore.collection('allocations').doc(allocationId).get())
      .exists;
    return { status: res.status, processed, body: res.status === 204 ? null : await res.json() };
  };

  it('accepts a valid token from the push service account', async () => {
    const result = await deliverWith(bearer(validClaims()));
    expect(result).toMatchObject({ status: 204, processed: true });
  });

  const hs256 = () => {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: KID }));
    const body = b64url(JSON.stringify(validClaims()));
    // The classic confusion attack: HMAC keyed with the public key.
    const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest();
    return `Bearer ${head}.${body}.${b64url(mac)}`;
  };
  const algNone = () => {
    const head = b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: KID }));
    return `Bearer ${head}.${b64url(JSON.stringify(validClaims()))}.`;
  };
  const { email_verified: _, ...unverified } = validClaims();

  const rejected: [string, () => string | undefined, 401 | 403][] = [
    ['no Authorization header', () => undefined, 401],
    ['a non-bearer header', () => 'Basic dXNlcjpwYXNz', 401],
    ['the wrong audience', () => bearer({ ...validClaims(), aud: 'https://other.run.app' }), 401],
    ['an audience array', () => bearer({ ...validClaims(), aud: [AUDIENCE, 'https://x'] }), 401],
    ['the wrong issuer', () => bearer({ ...validClaims(), iss: 'https://evil.example' }), 401],
    [
      'an expired token',
      () => bearer({ ...validClaims(), iat: now() - 7200, exp: now() - 3600 }),
      401,
    ],
    [
      'a token issued in the future',
      () => bearer({ ...validClaims(), iat: now() + 3600, exp: now() + 7200 }),
      401,
    ],
    ['a bad signature', () => bearer(validClaims(), impostor.privateKey), 401],
    [
      'an unknown key id',
      () => `Bearer ${mint(signing.privateKey, validClaims(), { alg: 'RS256', kid: 'other' })}`,
      401,
    ],
    ['alg none', algNone, 401],
    ['alg HS256 keyed with the public key', hs256, 401],
    ['another email', () => bearer({ ...validClaims(), email: 'intruder@evil.example' }), 403],
    ['email_verified false', () => bearer({ ...validClaims(), email_verified: false }), 403],
    ['no email_verified claim', () => bearer(unverified), 403],
  ];

  it.each(rejected)(
    'rejects %s, says only 401/403, and processes nothing',
    async (_name, header, status) => {
      const result = await deliverWith(header());
      expect(result.status).toBe(status);
      expect(result.processed).toBe(false);
      // The answer never echoes the token library's message (it can quote the token).
      expect(result.body).toEqual({ error: status === 401 ? 'unauthenticated' : 'forbidden' });
    },
  );

  it('guards the scheduler tasks, the outbox sweep among them, with the same check', async () => {
    for (const path of ['/tasks/outbox-sweep', '/tasks/meter']) {
      const run = (authorization?: string) =>
        service.app.request(path, {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        });
      expect((await run()).status).toBe(401);
      expect((await run(bearer({ ...validClaims(), email: 'intruder@evil.example' }))).status).toBe(
        403,
      );
      expect((await run(bearer(validClaims()))).status).toBe(200);
    }
  });

  it('guards push receivers (the dead-letter archive) with the same check', async () => {
    const body = rawPushBody('anything', {}, { messageId: 'm-archive' });
    expect((await postPush(service.app, '/push/dead-letter/ops', body)).status).toBe(401);
    expect(received).toEqual([]);
    const ok = await postPush(service.app, '/push/dead-letter/ops', body, {
      authorization: bearer(validClaims()),
    });
    expect(ok.status).toBe(204);
    expect(received).toEqual(['m-archive']);
  });

  it('checks the body size before the token', async () => {
    const huge = rawPushBody('x'.repeat(15 * 1024 * 1024), {});
    expect((await postPush(service.app, `/worker/push/${REQUESTED}`, huge)).status).toBe(413);
  });
});
