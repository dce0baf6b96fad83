import { CONSUMERS } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { deriveBus } from './derive-bus';
import { parseEnvironmentFile, readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';

describe('settings/local.json', () => {
  const { settings, unresolved } = resolveEnvironment(readEnvironmentFile('local'));

  it('puts every push app on its own loopback port from 8081, clear of the emulators (8085, 8086)', () => {
    expect(unresolved).toEqual([]);
    const ports = [
      ...CONSUMERS.map((c) => settings.consumers[c].baseUrl),
      settings.replay.baseUrl,
    ].map((url) => {
      const parsed = new URL(url ?? '');
      expect(parsed.hostname).toBe('127.0.0.1');
      return Number(parsed.port);
    });
    expect(ports).toEqual([8081, 8082, 8083, 8084, 8087, 8088, 8089]);
  });

  it('turns push auth off', () => {
    expect(CONSUMERS.every((c) => settings.consumers[c].pushAuth === undefined)).toBe(true);
  });
});

describe('settings/dev.json', () => {
  const file = readEnvironmentFile('dev');

  it('needs the project number before it has push URLs', () => {
    const { settings, unresolved } = resolveEnvironment(file, { project: 'gpuaas-dev' });
    expect(unresolved).toEqual(['projectNumber']);
    expect(settings.consumers.ops.baseUrl).toBeUndefined();
    // Terraform needs no URLs: the variables file derives without them.
    expect(deriveBus(settings).subscriptions.every((s) => s.pushEndpoint === undefined)).toBe(true);
  });

  it('uses Cloud Run deterministic URLs, the service URL as audience, ops under /ops', () => {
    const { settings, unresolved } = resolveEnvironment(file, {
      project: 'gpuaas-dev',
      projectNumber: '123',
    });
    expect(unresolved).toEqual([]);
    expect(settings.consumers.ops).toMatchObject({
      service: 'notification-relay',
      basePath: '/ops',
      baseUrl: 'https://notification-relay-123.europe-west1.run.app/ops',
      pushAuth: {
        serviceAccountEmail: 'pubsub-push@gpuaas-dev.iam.gserviceaccount.com',
        audience: 'https://notification-relay-123.europe-west1.run.app',
      },
    });
    const ops = deriveBus(settings).subscriptions.find(
      (s) => s.name === 'platform.payments.reconcile_failed.ops',
    );
    expect(ops?.pushEndpoint).toBe(
      'https://notification-relay-123.europe-west1.run.app/ops/push/platform.payments.reconcile_failed',
    );
    expect(ops?.servicePath).toBe('/ops/push/platform.payments.reconcile_failed');
  });

  it('keeps each (service, push path) pair unique, so two consumers never share an endpoint', () => {
    for (const env of ['local', 'dev', 'prod'] as const) {
      const bus = deriveBus(resolveEnvironment(readEnvironmentFile(env)).settings);
      const endpoints = [...bus.subscriptions, ...bus.archiveSubscriptions].map((s) =>
        env === 'local' ? s.pushEndpoint : `${s.service}${s.servicePath}`,
      );
      expect(new Set(endpoints).size, env).toBe(endpoints.length);
    }
  });
});

describe('parseEnvironmentFile', () => {
  it('lists every problem at once', () => {
    const file = {
      pushAuth: 'oidc',
      replay: {},
      consumers: { ops: { service: 'x', ackDeadlineSeconds: '60' } },
    };
    expect(() => parseEnvironmentFile(file, 'bad.json')).toThrow(
      /pushServiceAccount is required.*replay\.service.*consumers\.provisioning-worker\.service.*consumers\.ops\.ackDeadlineSeconds must be an integer/,
    );
  });
});
