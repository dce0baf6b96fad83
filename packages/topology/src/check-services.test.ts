import { catalog } from '@gpuaas/contracts';
import { describe, expect, it } from 'vitest';
import { assertServices, checkRetention, checkServices } from './check-services';
import { RETENTION_DAYS, SERVICES, type ServiceDefinition } from './services';
import { TopologyError } from './topology-error';

type Table = Record<string, ServiceDefinition>;
const table = (): Table => structuredClone(SERVICES) as unknown as Table;
const paths = (t: Table) => checkServices(t).map((issue) => issue.path);

describe('checkServices', () => {
  it('passes the committed table', () => {
    expect(checkServices()).toEqual([]);
    expect(() => assertServices()).not.toThrow();
  });

  it('sweeps the outbox exactly of the services that produce catalog events', () => {
    const producers = new Set(Object.values(catalog).map((row) => row.producer));
    for (const [name, service] of Object.entries(SERVICES)) {
      const sweeps = service.tasks.some((task) => task.name === 'outbox-sweep');
      expect(sweeps, name).toBe(producers.has(name as never));
    }
    const t = table();
    t.payments = { ...(t.payments as ServiceDefinition), tasks: [] };
    t.replay = {
      ...(t.replay as ServiceDefinition),
      tasks: [{ name: 'outbox-sweep', schedule: '* * * * *', description: 'x' }],
    };
    expect(checkServices(t).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'services.payments.tasks: produces events, so it needs the outbox-sweep task',
      'services.replay.tasks: produces no events in the catalog, so it has no outbox to sweep',
    ]);
  });

  it('hosts every consumer exactly once and the archive once', () => {
    const t = table();
    t.orchestrator = { ...(t.orchestrator as ServiceDefinition), consumers: { ops: '/ops' } };
    t.replay = { ...(t.replay as ServiceDefinition), deadLetterArchive: false };
    expect(paths(t)).toEqual(['consumers.api-read-model', 'consumers.ops', 'deadLetterArchive']);
  });

  it('refuses clashing or emulator ports, bad base paths, tasks, sizing and push env', () => {
    const t = table();
    const relay = t['notification-relay'] as ServiceDefinition;
    t['notification-relay'] = {
      ...relay,
      localPort: 8085,
      consumers: { 'notification-relay': '', ops: 'ops/' },
      tasks: [
        { name: 'Deliver', schedule: '* * * *', description: 'x' },
        { name: 'Deliver', schedule: '* * * * *', description: 'x' },
      ],
      env: { PUSH_AUTH: 'off' },
      sizing: { ...relay.sizing, prod: { ...relay.sizing.prod, minInstances: 30 } },
    };
    t.payments = { ...(t.payments as ServiceDefinition), localPort: 8080 };
    expect(paths(t)).toEqual([
      'services.payments.localPort',
      'services.notification-relay.consumers.ops',
      'services.notification-relay.localPort',
      'services.notification-relay.tasks.Deliver',
      'services.notification-relay.tasks.Deliver',
      'services.notification-relay.tasks.Deliver',
      'services.notification-relay.tasks.Deliver',
      'services.notification-relay.tasks.Deliver',
      'services.notification-relay.env.PUSH_AUTH',
      'services.notification-relay.sizing.prod',
    ]);
  });
});

describe('checkServices: publish rights, tasks, edge and operator access', () => {
  it('gives every catalog producer exactly one publishing service', () => {
    const t = table();
    t['provisioning-worker'] = {
      ...(t['provisioning-worker'] as ServiceDefinition),
      producers: ['provisioning-worker'],
    };
    t.payments = { ...(t.payments as ServiceDefinition), producers: ['payments', 'orchestrator'] };
    expect(checkServices(t).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'producers.orchestrator: must be published as by exactly one service, not 2 (orchestrator, payments)',
      'producers.metered-product: must be published as by exactly one service, not 0 ()',
    ]);
  });

  it('refuses scheduler settings Cloud Scheduler or the request timeout would not honour', () => {
    const t = table();
    t.replay = {
      ...(t.replay as ServiceDefinition),
      tasks: [
        {
          name: 'run-replays',
          schedule: '* * * * *',
          description: 'x',
          attemptDeadlineSeconds: 301,
          retryCount: 6,
          minBackoffSeconds: 40,
          maxBackoffSeconds: 30,
        },
      ],
    };
    expect(paths(t)).toEqual([
      'services.replay.tasks.run-replays.attemptDeadlineSeconds',
      'services.replay.tasks.run-replays.retryCount',
      'services.replay.tasks.run-replays.minBackoffSeconds',
    ]);
  });

  it('puts only public, open services behind the edge and keeps operator env the platform’s', () => {
    const t = table();
    t['provisioning-worker'] = {
      ...(t['provisioning-worker'] as ServiceDefinition),
      edge: { requestsPerMinutePerIp: 0, maxRequestBodyBytes: 1024 },
      env: { OPERATOR_ALLOW_LIST: 'me@example.com' },
    };
    expect(paths(t)).toEqual([
      'services.provisioning-worker.env.OPERATOR_ALLOW_LIST',
      'services.provisioning-worker.edge',
      'services.provisioning-worker.edge',
    ]);
  });
});

describe('checkRetention', () => {
  it('passes the defaults: dedupe 45 days > archive 31 + replay window 7', () => {
    expect(RETENTION_DAYS).toEqual({ idempotency: 45, deadLetter: 31, replayWindow: 7 });
    expect(checkRetention(RETENTION_DAYS)).toEqual([]);
  });

  it('refuses dedupe records that a replay could outlive', () => {
    expect(checkRetention({ idempotency: 38, deadLetter: 31, replayWindow: 7 })).toEqual([
      {
        path: 'retention.idempotency',
        message:
          'dedupe records (38 days) must outlive the dead-letter archive (31 days) plus the longest replay window (7 days)',
      },
    ]);
    expect(checkRetention({ idempotency: 39, deadLetter: 31, replayWindow: 7 })).toEqual([]);
  });

  it("refuses an archive retention above Pub/Sub's 31 days", () => {
    const issues = checkRetention({ idempotency: 90, deadLetter: 32, replayWindow: 7 });
    expect(issues.map((i) => i.path)).toEqual(['retention.deadLetter']);
    expect(() =>
      assertServices(SERVICES, { idempotency: 90, deadLetter: 32, replayWindow: 7 }),
    ).toThrow(TopologyError);
  });
});
