import { afterAll, describe, expect, it } from 'vitest';
import { gcloudSandbox } from './support/gcloud';

// A stub gcloud: the project number is 123456789 and nothing else exists yet.
const sandbox = gcloudSandbox({
  stub: 'if [[ "$1 $2" == "projects describe" ]]; then echo 123456789; exit 0; fi\nexit 1',
});
const READS = /^(\S+ )*(list|describe|get-iam-policy)( |$)/;
const printed = (stdout: string) => stdout.split('\n').filter(Boolean);

describe('infra/gcloud --dry-run', () => {
  afterAll(() => sandbox.remove());

  it('deploy-bus.sh prints every change, bus and IAM, and makes none', async () => {
    const run = await sandbox.run('deploy-bus.sh', [
      '--project',
      'p1',
      '--env',
      'prod',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    expect(lines.every((line) => line.startsWith('gcloud '))).toBe(true);
    expect(run.gcloudCalls.every((call) => READS.test(call.replace(/ --.*$/, '')))).toBe(true);
    const count = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).length;
    expect(count('gcloud pubsub topics create')).toBe(1);
    expect(count('gcloud pubsub subscriptions create')).toBe(25);
    expect(count('gcloud pubsub topics add-iam-policy-binding')).toBe(6);
    expect(count('gcloud pubsub subscriptions add-iam-policy-binding')).toBe(19);
    expect(count('gcloud iam service-accounts add-iam-policy-binding')).toBe(1);
    expect(count('gcloud run services add-iam-policy-binding')).toBe(5);
    expect(lines).toContain(
      'gcloud pubsub topics add-iam-policy-binding ops.dlq --project=p1 --role=roles/pubsub.publisher ' +
        '--member=serviceAccount:service-123456789@gcp-sa-pubsub.iam.gserviceaccount.com --format=none',
    );
    expect(
      lines.find((line) => line.includes(' create platform.payments.reconcile_failed.ops ')),
    ).toContain(
      '--push-endpoint=https://notification-relay-123456789.europe-west1.run.app/ops/push/platform.payments.reconcile_failed',
    );
    expect(run.stderr).toContain('dry run, nothing changed');
  });

  it('deploy-services.sh deploys every app with the request timeout above the ack deadline', async () => {
    const run = await sandbox.run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const deploys = printed(run.stdout).filter((line) => line.startsWith('gcloud run deploy '));
    expect(deploys.map((line) => line.split(' ')[3])).toEqual([
      'orchestrator',
      'provisioning-worker',
      'billing-worker',
      'payments',
      'notification-relay',
      'replay',
    ]);
    expect(deploys.every((line) => line.includes(' --timeout=300 '))).toBe(true);
    const notification = deploys.find((line) => line.includes(' notification-relay '));
    expect(notification).toContain('ACK_DEADLINE_SECONDS=60\\,LEASE_SECONDS=30');
    expect(notification).toContain(
      'PUSH_AUDIENCE=https://notification-relay-123456789.europe-west1.run.app',
    );
    expect(run.gcloudCalls.every((call) => READS.test(call.replace(/ --.*$/, '')))).toBe(true);
  });

  it('bootstrap.sh sets up APIs, images, the push account, Firestore and its TTL policies', async () => {
    const run = await sandbox.run('bootstrap.sh', ['--project', 'p1', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    expect(lines).toContain(
      'gcloud firestore fields ttls update expire_at --collection-group=idempotency_records --enable-ttl --async --project=p1',
    );
    expect(lines).toContain(
      'gcloud firestore fields ttls update expire_at --collection-group=outbox --enable-ttl --async --project=p1',
    );
    expect(
      lines.some((line) => line.startsWith('gcloud artifacts repositories create gpuaas ')),
    ).toBe(true);
    expect(
      lines.some((line) => line.startsWith('gcloud iam service-accounts create pubsub-push ')),
    ).toBe(true);
  });
});
