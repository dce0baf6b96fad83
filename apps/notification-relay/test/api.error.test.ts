import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayHarness } from './harness';

describe('read API: bad input is a 400 problem naming the field', () => {
  let h: RelayHarness;
  let auth: string;

  beforeAll(async () => {
    h = await RelayHarness.start('relay-api-error', {
      serve: false,
      env: { WEBHOOK_ALLOW_INSECURE: 'false' },
    });
    auth = (await h.user()).auth;
  });
  afterAll(() => h.close());

  const expectField = async (
    method: string,
    path: string,
    field: string,
    body?: unknown,
    reason = 'validation_failed',
  ) => {
    const res = await h.call(method, path, { auth, ...(body !== undefined ? { body } : {}) });
    expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, reason, field });
    expect(res.body.title).toEqual(expect.any(String));
  };

  it('names the bad query parameter', async () => {
    await expectField('GET', '/v1/notifications?limit=0', '/limit');
    await expectField('GET', '/v1/notifications?limit=101', '/limit');
    await expectField('GET', '/v1/notifications?limit=ten', '/limit');
    await expectField('GET', '/v1/notifications?channel=sms', '/channel');
    await expectField(
      'GET',
      '/v1/notifications?cursor=not-a-cursor',
      '/cursor',
      undefined,
      'invalid_cursor',
    );
  });

  it('names a notification id that cannot be one', async () => {
    await expectField('POST', '/v1/notifications/not-an-id/read', '/notification_id');
    const missing = await h.call('POST', `/v1/notifications/ntf_${'0'.repeat(32)}/read`, { auth });
    expect(missing.status).toBe(404);
    expect(missing.body.reason).toBe('not_found');
  });

  it('names the bad settings field, and keeps the settings as they were', async () => {
    const saved = await h.call('PUT', '/v1/notification-settings', {
      auth,
      body: { channels: ['in_app'] },
    });
    expect(saved.status).toBe(200);
    const before = await h.call('GET', '/v1/notification-settings', { auth });
    const put = (body: unknown, field: string) =>
      expectField('PUT', '/v1/notification-settings', field, body);
    await put({}, '/channels');
    await put({ channels: ['sms'] }, '/channels/0');
    await put({ channels: ['in_app', 'in_app'] }, '/channels');
    await put({ channels: ['in_app'], colour: 'blue' }, '/colour');
    await put(
      { channels: ['in_app'], event_channels: { 'balance.nope': ['in_app'] } },
      '/event_channels/balance.nope',
    );
    await put({ channels: ['webhook'] }, '/webhook');
    await put({ channels: ['in_app'], event_channels: { 'balance.low': ['webhook'] } }, '/webhook');
    await put(
      { channels: ['webhook'], webhook: { url: 'ftp://hooks.example.com/x' } },
      '/webhook/url',
    );
    await put(
      { channels: ['webhook'], webhook: { url: 'http://hooks.example.com/x' } },
      '/webhook/url',
    );
    await put(
      { channels: ['webhook'], webhook: { url: 'https://169.254.169.254/latest/meta-data' } },
      '/webhook/url',
    );
    await put({ channels: ['webhook'], webhook: { url: 'https://10.0.0.8/hook' } }, '/webhook/url');
    await put(
      { channels: ['webhook'], webhook: { url: 'https://localhost/hook' } },
      '/webhook/url',
    );
    expect(await h.call('GET', '/v1/notification-settings', { auth })).toEqual(before);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await h.service.app.request('/v1/notification-settings', {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"channels": [',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { reason: string }).reason).toBe('malformed_json');
  });

  it('answers 409 to a rotation without an endpoint', async () => {
    const res = await h.call('POST', '/v1/notification-settings/webhook/rotate-secret', { auth });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('webhook_not_configured');
  });
});
