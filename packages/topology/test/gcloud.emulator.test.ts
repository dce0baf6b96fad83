import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PubSub } from '@google-cloud/pubsub';
import { pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bus,
  deriveBus,
  plan,
  readBus,
  readEnvironmentFile,
  resolveEnvironment,
  type ServiceName,
} from '../src/index';
import { type GcloudSandbox, gcloudSandbox } from './support/gcloud';

/** settings/dev.json with each Cloud Run service at a loopback URL instead of its run.app URL. */
function devBusAt(serviceUrls: Partial<Record<ServiceName, string>>, project: string): Bus {
  const { settings, unresolved } = resolveEnvironment(readEnvironmentFile('dev'), {
    project,
    serviceUrls,
  });
  if (unresolved.length > 0) throw new Error(`unresolved: ${unresolved.join(', ')}`);
  return deriveBus(settings);
}

describe('infra/gcloud/deploy-bus.sh on the Pub/Sub emulator', { timeout: 600_000 }, () => {
  const project = uniqueProjectId('gcloud-bus');
  const urls = {
    orchestrator: 'http://127.0.0.1:9301',
    'provisioning-worker': 'http://127.0.0.1:9302',
    'billing-worker': 'http://127.0.0.1:9303',
    'notification-relay': 'http://127.0.0.1:9304',
    replay: 'http://127.0.0.1:9305',
  };
  let sandbox: GcloudSandbox;
  let pubsub: PubSub;
  let args: string[];
  let env: Record<string, string>;

  beforeAll(() => {
    sandbox = gcloudSandbox({ real: true });
    const urlsFile = join(sandbox.dir, 'service-urls.json');
    writeFileSync(urlsFile, JSON.stringify(urls));
    args = ['--project', project, '--env', 'dev', '--service-urls', urlsFile];
    env = {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB: `http://${process.env.PUBSUB_EMULATOR_HOST}/`,
      CLOUDSDK_AUTH_ACCESS_TOKEN: 'x',
      CLOUDSDK_CORE_PROJECT: project,
    };
    pubsub = pubsubClient(project);
  });

  afterAll(async () => {
    await pubsub?.close();
    sandbox?.remove();
  });

  it('creates the planned bus with two list calls, one topics call and one call per subscription', async () => {
    const run = await sandbox.run('deploy-bus.sh', args, env);
    expect(run.stderr).toContain(
      'bus: 19 topics to create, 25 subscriptions to create, 0 to update, 0 drifted',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.gcloudCalls.map((call) => call.split(' ').slice(0, 3).join(' '))).toEqual([
      'pubsub topics list',
      'pubsub subscriptions list',
      'pubsub topics create',
      ...Array<string>(25).fill('pubsub subscriptions create'),
    ]);

    const desired = devBusAt(urls, project);
    const actual = await readBus(pubsub);
    // Every field plan compares (push endpoint and OIDC token, ack deadline, filter, dead-letter
    // and retry policies, expiration) is echoed back by the emulator, so an empty plan is a real match.
    expect(plan(desired, actual)).toEqual([]);
    expect(
      actual.subscriptions.find((s) => s.name === 'platform.payments.reconcile_failed.ops'),
    ).toEqual({
      name: 'platform.payments.reconcile_failed.ops',
      topic: 'platform.payments.reconcile_failed',
      pushEndpoint: 'http://127.0.0.1:9304/ops/push/platform.payments.reconcile_failed',
      pushAuth: {
        serviceAccountEmail: `pubsub-push@${project}.iam.gserviceaccount.com`,
        audience: urls['notification-relay'],
      },
      ackDeadlineSeconds: 60,
      retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
      filter:
        'NOT attributes:replay_target OR attributes.replay_target = "platform.payments.reconcile_failed.ops"',
      deadLetterPolicy: { deadLetterTopic: 'ops.dlq', maxDeliveryAttempts: 10 },
      neverExpires: true,
    });
    expect(actual.subscriptions.find((s) => s.name === 'ops.dlq.archive')).toMatchObject({
      topic: 'ops.dlq',
      pushEndpoint: 'http://127.0.0.1:9305/push/dead-letter/ops',
      deadLetterPolicy: undefined,
      filter: '',
    });
    // 31 days on a project; the emulator refuses more than 7, so the script asks for 7 there.
    const [archive] = await pubsub.subscription('ops.dlq.archive').getMetadata();
    expect(Number(archive.messageRetentionDuration?.seconds)).toBe(604_800);
    expect(
      run.gcloudCalls.find((call) =>
        call.startsWith('pubsub subscriptions create ops.dlq.archive '),
      ),
    ).toContain('--message-retention-duration=604800s');
  });

  it('changes nothing on a second run', async () => {
    const run = await sandbox.run('deploy-bus.sh', args, env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'bus: 0 topics to create, 0 subscriptions to create, 0 to update, 0 drifted',
    );
    expect(run.gcloudCalls.map((call) => call.split(' ').slice(0, 3).join(' '))).toEqual([
      'pubsub topics list',
      'pubsub subscriptions list',
    ]);
  });
});
