import { examples } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { isNonPublicAddress } from './address-guard';
import { parseDuration, parseDurationList } from './durations';
import { pickFairly } from './fair-pick';
import { notificationId } from './ids';
import { channelsFor, DEFAULT_PREFERENCES } from './preferences';
import { recipientOf } from './recipient';
import { refuseWebhookUrl } from './webhook-url';

describe('recipientOf', () => {
  const rf = examples['platform.payments.reconcile_failed'];
  it('is the payload user, except for payments naming no known account', () => {
    expect(
      recipientOf('gpuaas.provisioning.active', examples['gpuaas.provisioning.active']),
    ).toEqual({ kind: 'user', userId: 'user_7f3c2a91' });
    expect(recipientOf('platform.payments.reconcile_failed', rf)).toEqual({
      kind: 'user',
      userId: 'user_7f3c2a91',
    });
    const { user_id: _, ...anonymous } = rf;
    expect(
      recipientOf('platform.payments.reconcile_failed', {
        ...anonymous,
        reason_code: 'missing_user',
      }),
    ).toEqual({ kind: 'none', reason: 'no_user' });
    expect(
      recipientOf('platform.payments.reconcile_failed', { ...rf, reason_code: 'unknown_user' }),
    ).toEqual({ kind: 'none', reason: 'unknown_user' });
  });
});

describe('channelsFor', () => {
  it('defaults to in-app, lets a kind override, never sends the endpoint notice by webhook', () => {
    expect(channelsFor('balance.low', DEFAULT_PREFERENCES)).toEqual(['in_app']);
    const prefs = {
      channels: ['webhook', 'in_app'] as const,
      eventChannels: { 'balance.low': ['webhook'] as const },
    };
    expect(channelsFor('allocation.active', prefs)).toEqual(['in_app', 'webhook']);
    expect(channelsFor('balance.low', prefs)).toEqual(['webhook']);
    expect(channelsFor('webhook.endpoint_disabled', prefs)).toEqual(['in_app']);
    expect(channelsFor('balance.low', { channels: [], eventChannels: {} })).toEqual([]);
  });
});

describe('pickFairly', () => {
  it('takes turns across users up to the limits', () => {
    const items = ['a1', 'a2', 'a3', 'a4', 'b1', 'c1', 'c2'];
    expect(pickFairly(items, (i) => i[0] ?? '', 5, 10)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2']);
    expect(pickFairly(items, (i) => i[0] ?? '', 10, 1)).toEqual(['a1', 'b1', 'c1']);
  });
});

describe('ids', () => {
  it('are stable per source and channel', () => {
    expect(notificationId('r1', 'webhook')).toBe(notificationId('r1', 'webhook'));
    expect(notificationId('r1', 'webhook')).not.toBe(notificationId('r1', 'in_app'));
    expect(notificationId('r1', 'webhook')).toMatch(/^ntf_[0-9a-f]{32}$/);
  });
});

describe('durations', () => {
  it('read units and lists', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('40')).toBe(40);
    expect(parseDurationList('0, 5s,2h')).toEqual([0, 5000, 7_200_000]);
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/);
  });
});

describe('addresses', () => {
  it('refuses private, loopback, metadata and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '::7f00:1',
      '::127.0.0.1',
      '64:ff9b::7f00:1',
      '64:ff9b::169.254.169.254',
      '2002:a9fe:a9fe::1',
      '2002:0a00:0001::',
      '2001:db8::1',
      '0.0.0.0',
      '::',
    ]) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of [
      '8.8.8.8',
      '2001:4860:4860::8888',
      '172.32.0.1',
      '64:ff9b::808:808',
      '2002:808:808::1',
      '::ffff:8.8.8.8',
    ])
      expect(isNonPublicAddress(a), a).toBe(false);
  });

  it('accepts only public https endpoint URLs unless local runs allow more', () => {
    expect(refuseWebhookUrl('https://hooks.example.com/x', false)).toBeUndefined();
    expect(refuseWebhookUrl('http://hooks.example.com/x', false)).toMatch(/https/);
    expect(refuseWebhookUrl('https://user:pw@hooks.example.com/x', false)).toMatch(/credentials/);
    expect(refuseWebhookUrl('https://169.254.169.254/latest', false)).toMatch(/public/);
    expect(refuseWebhookUrl('https://localhost:8080/', false)).toMatch(/public/);
    expect(refuseWebhookUrl('https://LOCALHOST./h', false)).toMatch(/public/);
    expect(refuseWebhookUrl('https://metadata.google.internal./x', false)).toMatch(/public/);
    expect(refuseWebhookUrl('https://[64:ff9b::7f00:1]/', false)).toMatch(/public/);
    expect(refuseWebhookUrl('https://[::ffff:127.0.0.1]/', false)).toMatch(/public/);
    expect(refuseWebhookUrl('not a url', false)).toMatch(/absolute/);
    expect(refuseWebhookUrl('http://127.0.0.1:9999/hook', true)).toBeUndefined();
  });
});
