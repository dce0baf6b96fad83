import { CONSUMERS } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { deriveBus } from './derive-bus';
import { localSettingsAt } from './local-settings';
import { TopologyError } from './topology-error';

const SERVICE_URLS = {
  orchestrator: 'http://127.0.0.1:5550',
  'provisioning-worker': 'http://127.0.0.1:5551',
  'billing-worker': 'http://127.0.0.1:5552',
  'notification-relay': 'http://127.0.0.1:5553',
  replay: 'http://127.0.0.1:5559',
};

describe('localSettingsAt', () => {
  it('takes a URL per service: every consumer it hosts there, under its base path', () => {
    const settings = localSettingsAt(SERVICE_URLS);
    expect(Object.fromEntries(CONSUMERS.map((c) => [c, settings.consumers[c].baseUrl]))).toEqual({
      'provisioning-worker': 'http://127.0.0.1:5551',
      'billing-worker': 'http://127.0.0.1:5552',
      'notification-relay': 'http://127.0.0.1:5553',
      'api-read-model': 'http://127.0.0.1:5550',
      'billing-read-model': 'http://127.0.0.1:5552',
      ops: 'http://127.0.0.1:5553/ops',
    });
    const bus = deriveBus(settings);
    expect(
      bus.subscriptions.find((s) => s.name === 'platform.payments.reconcile_failed.ops')
        ?.pushEndpoint,
    ).toBe('http://127.0.0.1:5553/ops/push/platform.payments.reconcile_failed');
    expect(bus.archiveSubscriptions.map((s) => s.pushEndpoint)).toContain(
      'http://127.0.0.1:5559/push/dead-letter/ops',
    );
  });

  it('takes a URL per consumer as that consumer base URL, as is', () => {
    const urls = Object.fromEntries(
      [...CONSUMERS, 'replay'].map((name, i) => [name, `http://127.0.0.1:${6000 + i}`]),
    );
    const settings = localSettingsAt(urls);
    for (const consumer of CONSUMERS)
      expect(settings.consumers[consumer].baseUrl).toBe(urls[consumer]);
    expect(settings.replay.baseUrl).toBe(urls.replay);
  });

  it('lets a consumer URL override its service URL', () => {
    const settings = localSettingsAt({ ...SERVICE_URLS, ops: 'http://127.0.0.1:7000' });
    expect(settings.consumers.ops.baseUrl).toBe('http://127.0.0.1:7000');
    expect(settings.consumers['notification-relay'].baseUrl).toBe('http://127.0.0.1:5553');
  });

  it('refuses names that are neither services nor consumers, and anything left without a URL', () => {
    expect(() => localSettingsAt({ ...SERVICE_URLS, relay: 'http://x' })).toThrow(
      /settings_invalid: relay: neither a service nor a consumer/,
    );
    const { orchestrator: _api, replay: _replay, ...partial } = SERVICE_URLS;
    expect(() => localSettingsAt(partial)).toThrow(TopologyError);
    // No silent fallback to the `pnpm dev` ports, where another process may listen.
    expect(() => localSettingsAt(partial)).toThrow(
      /base_url_missing: no base URL for api-read-model, replay/,
    );
  });
});
