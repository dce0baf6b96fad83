import { describe, expect, it } from 'vitest';
import {
  archivePushPath,
  archiveService,
  basePathOf,
  isServiceName,
  localPort,
  localServiceUrl,
  pushBasePaths,
  SERVICE_NAMES,
  secretEnvNames,
  serviceOf,
  taskPath,
  tasksOf,
  unreadSecrets,
} from './index';

describe('the services table', () => {
  it('has the six services', () => {
    expect(SERVICE_NAMES).toEqual([
      'orchestrator',
      'provisioning-worker',
      'billing-worker',
      'payments',
      'notification-relay',
      'replay',
    ]);
    expect(isServiceName('replay')).toBe(true);
    expect(isServiceName('ops')).toBe(false);
    expect(isServiceName('toString')).toBe(false);
  });

  it('places each consumer on its service, ops under /ops', () => {
    expect(serviceOf('api-read-model')).toBe('orchestrator');
    expect(serviceOf('billing-read-model')).toBe('billing-worker');
    expect(serviceOf('ops')).toBe('notification-relay');
    expect(basePathOf('ops')).toBe('/ops');
    expect(basePathOf('notification-relay')).toBe('');
    expect(pushBasePaths('notification-relay')).toEqual({ 'notification-relay': '', ops: '/ops' });
    expect(pushBasePaths('billing-worker')).toEqual({
      'billing-worker': '',
      'billing-read-model': '',
    });
    expect(pushBasePaths('payments')).toEqual({});
    // Typed per service, so an app reads its own paths without casts.
    const ops: '/ops' = pushBasePaths('notification-relay').ops;
    expect(ops).toBe('/ops');
  });

  it('puts the dead-letter archive in replay', () => {
    expect(archiveService()).toBe('replay');
    expect(archivePushPath('ops')).toBe('/push/dead-letter/ops');
  });

  it('lists each service scheduler tasks with their /tasks routes', () => {
    const brief = (service: Parameters<typeof tasksOf>[0]) =>
      tasksOf(service).map((t) => `${t.path} ${t.schedule}`);
    expect(brief('provisioning-worker')).toEqual([
      '/tasks/outbox-sweep * * * * *',
      '/tasks/meter * * * * *',
      '/tasks/reconcile */5 * * * *',
      '/tasks/release-retries * * * * *',
    ]);
    expect(brief('billing-worker')).toEqual([
      '/tasks/outbox-sweep * * * * *',
      '/tasks/evaluate-balances * * * * *',
    ]);
    expect(brief('orchestrator')).toEqual(['/tasks/outbox-sweep * * * * *']);
    expect(brief('payments')).toEqual(['/tasks/outbox-sweep * * * * *']);
    expect(brief('notification-relay')).toEqual(['/tasks/deliver-notifications * * * * *']);
    expect(brief('replay')).toEqual(['/tasks/run-replays * * * * *']);
    expect(taskPath('meter')).toBe('/tasks/meter');
  });

  it('gives each service one local port, clear of the emulators', () => {
    expect(Object.fromEntries(SERVICE_NAMES.map((s) => [s, localPort(s)]))).toEqual({
      orchestrator: 8080,
      'provisioning-worker': 8081,
      'billing-worker': 8082,
      'notification-relay': 8083,
      payments: 8084,
      replay: 8089,
    });
    expect(localServiceUrl('replay')).toBe('http://127.0.0.1:8089');
  });

  it('refuses names it does not know', () => {
    expect(() => tasksOf('relay' as 'replay')).toThrow(/relay is not a service/);
    expect(() => serviceOf('nobody' as 'ops')).toThrow(/no service hosts consumer nobody/);
  });

  it('names the secrets a config loader never looks up', () => {
    expect(secretEnvNames('orchestrator')).toEqual([]);
    const env = { STRIPE_WEBHOOK_SECRET: 'whsec_x' };
    expect(unreadSecrets('payments', () => undefined, env)).toEqual(['STRIPE_WEBHOOK_SECRET']);
    expect(unreadSecrets('payments', (e) => e.STRIPE_WEBHOOK_SECRET, env)).toEqual([]);
    // A lookup of a variable that is not set counts: the loader asked for it.
    expect(
      unreadSecrets(
        'payments',
        (e: Record<string, string | undefined>) => 'STRIPE_WEBHOOK_SECRET' in e,
        {},
      ),
    ).toEqual([]);
  });
});
