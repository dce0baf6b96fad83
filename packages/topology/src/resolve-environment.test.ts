import { CONSUMERS } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { deriveBus } from './derive-bus';
import { parseEnvironmentFile, readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import { basePathOf, localServiceUrl, serviceOf } from './services';

describe('settings/local.json', () => {
  const { settings, unresolved } = resolveEnvironment(readEnvironmentFile('local'));

  it("puts each consumer on its service's loopback port from the table, under its base path", () => {
    expect(unresolved).toEqual([]);
    expect(Object.fromEntries(CONSUMERS.map((c) => [c, settings.consumers[c].baseUrl]))).toEqual({
      'provisioning-worker': 'http://127.0.0.1:8081',
      'billing-worker': 'http://127.0.0.1:8082',
      'notification-relay': 'http://127.0.0.1:8083',
      'api-read-model': 'http://127.0.0.1:8080',
      'billing-read-model': 'http://127.0.0.1:8082',
      ops: 'http://127.0.0.1:8083/ops',
    });
    expect(settings.replay).toMatchObject({ service: 'replay', baseUrl: 'http://127.0.0.1:8089' });
    for (const consumer of CONSUMERS) {
      expect(settings.consumers[consumer].service).toBe(serviceOf(consumer));
      expect(settings.consumers[consumer].baseUrl).toBe(
        `${localServiceUrl(serviceOf(consumer))}${basePathOf(consumer)}`,
      );
    }
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
      replay: 'x',
      consumers: { ops: { ackDeadlineSeconds: '60' }, nobody: {} },
    };
    expect(() => parseEnvironmentFile(file, 'bad.json')).toThrow(
      /pushServiceAccount is required.*replay must be an object.*consumers\.ops\.ackDeadlineSeconds must be an integer.*consumers\.nobody is not a consumer/,
    );
  });

  it('leaves where a push app runs to the services table', () => {
    const file = {
      pushAuth: 'off',
      consumers: { ops: { service: 'orchestrator', basePath: '/x' } },
    };
    expect(() => parseEnvironmentFile(file, 'bad.json')).toThrow(
      /consumers\.ops\.service is not a setting: the services table \(src\/services\/table\.ts\) places push apps; consumers\.ops\.basePath is not a setting/,
    );
  });
});

describe('resolveEnvironment with service URLs', () => {
  it('puts every consumer of a service at its URL plus base path, audience the service URL', () => {
    const { settings, unresolved } = resolveEnvironment(readEnvironmentFile('dev'), {
      project: 'p1',
      serviceUrls: { 'notification-relay': 'http://127.0.0.1:9304/' },
    });
    expect(unresolved).toEqual(['projectNumber']);
    expect(settings.consumers.ops).toMatchObject({
      baseUrl: 'http://127.0.0.1:9304/ops',
      pushAuth: { audience: 'http://127.0.0.1:9304' },
    });
    expect(settings.consumers['notification-relay'].baseUrl).toBe('http://127.0.0.1:9304');
    expect(settings.consumers['billing-worker'].baseUrl).toBeUndefined();
  });
});
