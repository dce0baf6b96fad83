import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SERVICE_NAMES,
  type ServicesTfvars,
  servicesTfvarsFileUrl,
  tasksOf,
  tfvarsFileUrl,
} from '../src/index';
import { type GcloudSandbox, gcloudSandbox } from './support/gcloud';

/** What every image tag resolves to in the stub. */
const DIGEST = `sha256:${'ab'.repeat(32)}`;
/** Operators and pinned secret versions, as a release passes them. */
const RELEASE = [
  '--operators',
  'oncall@example.com',
  '--secret-versions',
  'stripe-webhook-secret=5,ops-alert-webhook-url=1',
];

/**
 * A stub gcloud: the project number is 123456789, every image tag resolves to DIGEST, `cases`
 * answer some calls, nothing else exists.
 */
function stub(...cases: string[]): GcloudSandbox {
  return gcloudSandbox({
    stub: [
      ...cases,
      'if [[ "$1 $2" == "projects describe" ]]; then echo 123456789; exit 0; fi',
      `if [[ "$1 $2 $3 $4" == "artifacts docker images describe" ]]; then echo ${DIGEST}; exit 0; fi`,
      'exit 1',
    ].join('\n'),
  });
}

const sandboxes: GcloudSandbox[] = [];
const sandbox = (...cases: string[]) => {
  const made = stub(...cases);
  sandboxes.push(made);
  return made;
};
const READS = /^(\S+ )*(list|describe|get-iam-policy)( |$)/;
const printed = (stdout: string) => stdout.split('\n').filter(Boolean);
const onlyReads = (calls: string[]) =>
  calls.every((call) => READS.test(call.replace(/ --.*$/, '')));
const CONSUMER_SERVICES = [
  'orchestrator',
  'provisioning-worker',
  'billing-worker',
  'notification-relay',
];
/** The words of a printed (shell-quoted) command line. */
const words = (line: string): string[] =>
  execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
const url = (service: string) => `https://${service}-123456789.europe-west1.run.app`;

afterAll(() => {
  for (const made of sandboxes) made.remove();
});

describe('infra/gcloud/deploy-bus.sh --dry-run', () => {
  it('prints every change, bus and IAM, and makes none', async () => {
    const run = await sandbox().run('deploy-bus.sh', [
      '--project',
      'p1',
      '--env',
      'prod',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    expect(lines.every((line) => line.startsWith('gcloud '))).toBe(true);
    expect(onlyReads(run.gcloudCalls)).toBe(true);
    const count = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).length;
    expect(count('gcloud pubsub topics create')).toBe(1);
    expect(count('gcloud pubsub subscriptions create')).toBe(25);
    const { services } = JSON.parse(
      readFileSync(servicesTfvarsFileUrl('prod'), 'utf8'),
    ) as ServicesTfvars;
    const grants = SERVICE_NAMES.flatMap((name) =>
      services[name].publish_topics.map((topic) => `${name} ${topic}`),
    );
    // The agent on every dead-letter topic, and each runtime account on its catalog topics.
    expect(count('gcloud pubsub topics add-iam-policy-binding')).toBe(6 + grants.length);
    for (const grant of grants) {
      const [name, topic] = grant.split(' ');
      expect(lines, grant).toContain(
        `gcloud pubsub topics add-iam-policy-binding ${topic} --project=p1 --role=roles/pubsub.publisher ` +
          `--member=serviceAccount:${name}@p1.iam.gserviceaccount.com --format=none`,
      );
    }
    expect(count('gcloud pubsub subscriptions add-iam-policy-binding')).toBe(19);
    expect(count('gcloud iam service-accounts add-iam-policy-binding')).toBe(1);
    expect(count('gcloud run services add-iam-policy-binding')).toBe(5);
    expect(lines).toContain(
      'gcloud pubsub topics add-iam-policy-binding ops.dlq --project=p1 --role=roles/pubsub.publisher ' +
        '--member=serviceAccount:service-123456789@gcp-sa-pubsub.iam.gserviceaccount.com --format=none',
    );
    const ops = lines.find((line) =>
      line.includes(' create platform.payments.reconcile_failed.ops '),
    );
    expect(ops).toContain(
      `--push-endpoint=${url('notification-relay')}/ops/push/platform.payments.reconcile_failed`,
    );
    expect(ops).toContain(`--push-auth-token-audience=${url('notification-relay')} `);
    expect(run.stderr).toContain('dry run, nothing changed');
  });

  it('keeps archived dead letters 31 days; consumer subscriptions keep the default', async () => {
    const run = await sandbox().run('deploy-bus.sh', ['--project', 'p1', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const creates = printed(run.stdout).filter((line) =>
      line.startsWith('gcloud pubsub subscriptions create '),
    );
    const archives = creates.filter((line) => / \S+\.dlq\.archive /.test(line));
    expect(archives).toHaveLength(6);
    for (const line of archives) expect(line).toContain(' --message-retention-duration=2678400s ');
    for (const line of creates.filter((l) => !archives.includes(l)))
      expect(line).not.toContain('--message-retention-duration');
  });

  it("takes the archives' retention from the services file (dead_letter_retention_days)", async () => {
    const made = sandbox();
    const file = join(made.dir, 'services.auto.tfvars.json');
    const data = JSON.parse(readFileSync(servicesTfvarsFileUrl('dev'), 'utf8')) as ServicesTfvars;
    data.dead_letter_retention_days = 14;
    writeFileSync(file, JSON.stringify(data));
    const run = await made.run('deploy-bus.sh', [
      '--project',
      'p1',
      '--services',
      file,
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const archives = printed(run.stdout).filter((line) => / create \S+\.dlq\.archive /.test(line));
    expect(archives).toHaveLength(6);
    for (const line of archives) expect(line).toContain(' --message-retention-duration=1209600s ');
  });

  it('takes push endpoints from --service-urls but the audience always from the deterministic URL', async () => {
    const made = sandbox();
    const urlsFile = join(made.dir, 'service-urls.json');
    const urls = Object.fromEntries(
      [...CONSUMER_SERVICES, 'replay'].map((s) => [s, `https://${s}-abc123-ew.a.run.app`]),
    );
    writeFileSync(urlsFile, JSON.stringify(urls));
    const run = await made.run('deploy-bus.sh', [
      '--project',
      'p1',
      '--service-urls',
      urlsFile,
      '--push-service-account',
      'push2@p1.iam.gserviceaccount.com',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    const ops = lines.find((line) =>
      line.includes(' create platform.payments.reconcile_failed.ops '),
    );
    expect(ops).toContain(
      '--push-endpoint=https://notification-relay-abc123-ew.a.run.app/ops/push/platform.payments.reconcile_failed',
    );
    expect(ops).toContain(`--push-auth-token-audience=${url('notification-relay')} `);
    expect(ops).toContain('--push-auth-service-account=push2@p1.iam.gserviceaccount.com');
    const archive = lines.find((line) => line.includes(' create ops.dlq.archive '));
    expect(archive).toContain(`--push-auth-token-audience=${url('replay')} `);
  });
});

describe('infra/gcloud/deploy-services.sh --dry-run', () => {
  it('deploys every app of the table with the request timeout above the ack deadline', async () => {
    const run = await sandbox().run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const deploys = printed(run.stdout).filter((line) => line.startsWith('gcloud run deploy '));
    expect(deploys.map((line) => line.split(' ')[3])).toEqual(SERVICE_NAMES);
    expect(deploys.every((line) => line.includes(' --timeout=300 '))).toBe(true);
    const notification = deploys.find((line) => line.includes(' notification-relay '));
    expect(notification).toContain('ACK_DEADLINE_SECONDS=60\\,LEASE_SECONDS=30');
    expect(notification).toContain(
      'IDEMPOTENCY_RETENTION_DAYS=45\\,DEAD_LETTER_RETENTION_DAYS=31\\,REPLAY_WINDOW_DAYS=7',
    );
    expect(notification).toContain(`PUSH_AUDIENCE=${url('notification-relay')}`);
    // replay receives the archive subscriptions: same timings as a consumer service.
    const replay = deploys.find((line) => line.includes(' replay '));
    expect(replay).toContain('ACK_DEADLINE_SECONDS=60\\,LEASE_SECONDS=30');
    expect(deploys.find((line) => line.includes(' payments '))).not.toContain(
      'ACK_DEADLINE_SECONDS',
    );
    expect(onlyReads(run.gcloudCalls)).toBe(true);
  });

  it('creates a scheduler job <task>-<service> per task of the table: POST <service><path>, push OIDC token', async () => {
    const run = await sandbox().run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--push-service-account',
      'push2@p1.iam.gserviceaccount.com',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    const jobs = lines
      .filter((line) => line.startsWith('gcloud scheduler jobs create http '))
      .map(words);
    const expected = SERVICE_NAMES.flatMap((service) =>
      tasksOf(service).map((task) => ({ service, task })),
    );
    expect(jobs.map((job) => job[5])).toEqual(
      expected.map(({ service, task }) => `${task.name}-${service}`),
    );
    expect(jobs.map((job) => job[5])).toContain('outbox-sweep-payments');
    for (const [index, { service, task }] of expected.entries()) {
      expect(jobs[index], task.name).toEqual(
        expect.arrayContaining([
          '--location=europe-west1',
          `--schedule=${task.schedule}`,
          '--time-zone=Etc/UTC',
          `--uri=${url(service)}${task.path}`,
          '--http-method=POST',
          '--oidc-service-account-email=push2@p1.iam.gserviceaccount.com',
          `--oidc-token-audience=${url(service)}`,
          `--description=${task.description}`,
          `--attempt-deadline=${task.attemptDeadlineSeconds}s`,
          `--max-retry-attempts=${task.retryCount}`,
          `--min-backoff=${task.minBackoffSeconds}s`,
          `--max-backoff=${task.maxBackoffSeconds}s`,
          '--project=p1',
        ]),
      );
    }
    expect(jobs.find((job) => job[5] === 'reconcile-provisioning-worker')).toContain(
      '--schedule=*/5 * * * *',
    );
    // The services accept that account's tokens, pushes and tasks alike.
    const deploys = lines.filter((line) => line.startsWith('gcloud run deploy '));
    expect(deploys).toHaveLength(6);
    for (const line of deploys)
      expect(line).toContain('PUSH_SERVICE_ACCOUNT=push2@p1.iam.gserviceaccount.com');
    // payments has tasks but no subscription: deploy-bus.sh does not grant it, so this does.
    expect(
      lines.filter((line) => line.startsWith('gcloud run services add-iam-policy-binding ')),
    ).toEqual([
      'gcloud run services add-iam-policy-binding payments --region=europe-west1 --project=p1 --role=roles/run.invoker --member=serviceAccount:push2@p1.iam.gserviceaccount.com --format=none',
      // Operators reach the IAM-only replay service.
      'gcloud run services add-iam-policy-binding replay --region=europe-west1 --project=p1 --role=roles/run.invoker --member=user:oncall@example.com --format=none',
    ]);
    expect(
      run.gcloudCalls.filter((call) => call.startsWith('scheduler jobs describe ')),
    ).toHaveLength(expected.length);
    expect(onlyReads(run.gcloudCalls)).toBe(true);
  });

  it('describes each job first: leaves a matching one, updates one that drifted', async () => {
    // What `describe --format=value(...)` prints: the fields, tab-separated.
    const fields = (service: string, account: string) =>
      `printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' '* * * * *' '${url(service)}/tasks/outbox-sweep' POST '${account}' '${url(service)}' 60s 1`;
    const made = sandbox(
      `if [[ "$1 $2 $3 $4" == "scheduler jobs describe outbox-sweep-orchestrator" ]]; then ${fields('orchestrator', 'pubsub-push@p1.iam.gserviceaccount.com')}; exit 0; fi`,
      `if [[ "$1 $2 $3 $4" == "scheduler jobs describe outbox-sweep-billing-worker" ]]; then ${fields('billing-worker', 'old@p1.iam.gserviceaccount.com')}; exit 0; fi`,
    );
    const run = await made.run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const jobs = printed(run.stdout)
      .filter(
        (line) => line.startsWith('gcloud scheduler jobs ') && line.includes(' outbox-sweep-'),
      )
      .map((line) => line.split(' ').slice(0, 6).join(' '));
    expect(jobs).toEqual([
      'gcloud scheduler jobs create http outbox-sweep-provisioning-worker',
      'gcloud scheduler jobs update http outbox-sweep-billing-worker',
      'gcloud scheduler jobs create http outbox-sweep-payments',
    ]);
    expect(run.stderr).toContain('outbox-sweep-orchestrator: up to date');
  });

  it('gives every service the retention figures and the services table sizing, ingress and secrets', async () => {
    const run = await sandbox().run('deploy-services.sh', [
      '--project',
      'p1',
      '--env',
      'prod',
      '--image-tag',
      't1',
      ...RELEASE,
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const deploys = printed(run.stdout)
      .filter((line) => line.startsWith('gcloud run deploy '))
      .map(words);
    const flag = (deploy: string[], name: string) =>
      deploy.find((word) => word.startsWith(`--${name}=`))?.slice(name.length + 3) ??
      (deploy.includes(`--${name}`) ? true : undefined);
    const { services } = JSON.parse(
      readFileSync(servicesTfvarsFileUrl('prod'), 'utf8'),
    ) as ServicesTfvars;
    for (const deploy of deploys) {
      const name = deploy[3] as keyof typeof services;
      const service = services[name];
      const env = String(flag(deploy, 'set-env-vars')).split(',');
      expect(env, name).toEqual(
        expect.arrayContaining([
          'IDEMPOTENCY_RETENTION_DAYS=45',
          'DEAD_LETTER_RETENTION_DAYS=31',
          'REPLAY_WINDOW_DAYS=7',
          'PUSH_AUTH=oidc',
        ]),
      );
      expect(flag(deploy, 'min-instances'), name).toBe(String(service.min_instance_count));
      expect(flag(deploy, 'max-instances'), name).toBe(String(service.max_instance_count));
      expect(flag(deploy, 'ingress'), name).toBe(
        service.ingress === 'INGRESS_TRAFFIC_ALL' ? 'all' : 'internal',
      );
      expect(
        flag(
          deploy,
          service.allow_unauthenticated ? 'allow-unauthenticated' : 'no-allow-unauthenticated',
        ),
        name,
      ).toBe(true);
    }
    expect(
      deploys.map((d) => `${d[3]} ${flag(d, 'min-instances')}-${flag(d, 'max-instances')}`),
    ).toEqual([
      'orchestrator 1-20',
      'provisioning-worker 1-20',
      'billing-worker 1-20',
      'payments 1-20',
      'notification-relay 1-20',
      'replay 0-2',
    ]);
    // Pinned versions, never latest.
    expect(flag(deploys.find((d) => d[3] === 'payments') ?? [], 'set-secrets')).toBe(
      'STRIPE_WEBHOOK_SECRET=stripe-webhook-secret:5',
    );
    expect(flag(deploys.find((d) => d[3] === 'notification-relay') ?? [], 'set-secrets')).toBe(
      'OPS_ALERT_WEBHOOK_URL=ops-alert-webhook-url:1',
    );
    // By digest: a re-pushed tag cannot change what a revision runs.
    for (const deploy of deploys)
      expect(flag(deploy, 'image'), deploy[3]).toBe(
        `europe-west1-docker.pkg.dev/p1/gpuaas/${deploy[3]}@${DIGEST}`,
      );
  });

  it('refuses a services file whose env sets PUSH_AUTH, before any change', async () => {
    const made = sandbox();
    const file = join(made.dir, 'services.auto.tfvars.json');
    const data = JSON.parse(readFileSync(servicesTfvarsFileUrl('dev'), 'utf8')) as ServicesTfvars;
    data.services.replay.env = { PUSH_AUTH: 'off' };
    writeFileSync(file, JSON.stringify(data));
    const run = await made.run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--services',
      file,
      '--dry-run',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /error: .*services\.auto\.tfvars\.json: services\.replay\.env sets PUSH_AUTH: push authentication is set by the platform/,
    );
    expect(run.stdout).toBe('');
    expect(run.gcloudCalls).toEqual([]);
  });

  it('refuses retention figures that let a replay outlive its dedupe records', async () => {
    const made = sandbox();
    const file = join(made.dir, 'services.auto.tfvars.json');
    const data = JSON.parse(readFileSync(servicesTfvarsFileUrl('dev'), 'utf8')) as ServicesTfvars;
    data.idempotency_retention_days = 30;
    writeFileSync(file, JSON.stringify(data));
    const run = await made.run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--services',
      file,
      '--dry-run',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /idempotency_retention_days must exceed dead_letter_retention_days \+ replay_window_days/,
    );
    expect(run.stdout).toBe('');
  });

  it('stops when an ack deadline is not below the request timeout (300 s)', async () => {
    const made = sandbox();
    const bus = JSON.parse(readFileSync(tfvarsFileUrl('dev'), 'utf8')) as {
      archive_subscriptions: { ack_deadline_seconds: number }[];
    };
    const first = bus.archive_subscriptions[0];
    if (first === undefined) throw new Error('no archive subscription');
    first.ack_deadline_seconds = 300;
    const file = join(made.dir, 'bus.auto.tfvars.json');
    writeFileSync(file, JSON.stringify(bus));
    const run = await made.run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...RELEASE,
      '--tfvars',
      file,
      '--dry-run',
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /error: an ack deadline in .* is 300 s, not below the request timeout \(300 s\)/,
    );
    expect(run.stdout).toBe('');
  });
});

describe('infra/gcloud/deploy-services.sh', () => {
  // Runs for real against a stub: the runtime account is new, and IAM does not see it at once.
  const cases = (failures: number, accountExists: boolean) => [
    'state="$(dirname "$0")/../iam-failures"',
    `if [[ "$1 $2 $3" == "iam service-accounts describe" ]]; then exit ${accountExists ? 0 : 1}; fi`,
    'if [[ "$1 $2 $3" == "projects get-iam-policy p1" ]]; then echo "{}"; exit 0; fi',
    'if [[ "$1 $2" == "projects add-iam-policy-binding" ]]; then',
    '  n=$(cat "$state" 2>/dev/null || echo 0)',
    `  if ((n < ${failures})); then echo $((n + 1)) >"$state"; echo "ERROR: Service account provisioning-worker@p1.iam.gserviceaccount.com does not exist." >&2; exit 1; fi`,
    '  exit 0',
    'fi',
    'case "$1 $2 $3" in "iam service-accounts create" | "run deploy provisioning-worker" | "scheduler jobs create") exit 0 ;; esac',
  ];
  const args = [
    '--project',
    'p1',
    '--image-tag',
    't1',
    ...RELEASE,
    '--only',
    'provisioning-worker',
  ];
  const bindings = (calls: string[]) =>
    calls.filter((call) => call.startsWith('projects add-iam-policy-binding '));

  it('retries the IAM bindings of a runtime account it has just created', async () => {
    const run = await sandbox(...cases(2, false)).run('deploy-services.sh', args, {
      IAM_RETRY_DELAY_SECONDS: '0',
    });
    expect(run.code, run.stderr).toBe(0);
    // Two refusals, then the first role, the other project role and the Firestore one.
    expect(bindings(run.gcloudCalls)).toHaveLength(5);
    expect(run.stderr).toContain('new service account not yet visible to IAM');
    expect(
      run.gcloudCalls.some((call) =>
        call.startsWith('scheduler jobs create http outbox-sweep-provisioning-worker '),
      ),
    ).toBe(true);
  });

  it('does not retry for an account that already existed', async () => {
    const run = await sandbox(...cases(1, true)).run('deploy-services.sh', args, {
      IAM_RETRY_DELAY_SECONDS: '0',
    });
    expect(run.code).not.toBe(0);
    expect(bindings(run.gcloudCalls)).toHaveLength(1);
  });
});

describe('infra/gcloud/deploy-services.sh secrets and operators', () => {
  const run = (...extra: string[]) =>
    sandbox().run('deploy-services.sh', [
      '--project',
      'p1',
      '--image-tag',
      't1',
      ...extra,
      '--dry-run',
    ]);

  it('refuses to deploy a secret without a pinned version, or pinned to latest, before any change', async () => {
    for (const pins of [
      'stripe-webhook-secret=5',
      'stripe-webhook-secret=latest,ops-alert-webhook-url=1',
    ]) {
      const refused = await run('--operators', 'oncall@example.com', '--secret-versions', pins);
      expect(refused.code, pins).not.toBe(0);
      expect(refused.stderr, pins).toMatch(/no pinned version|latest is refused/);
      expect(refused.stdout, pins).toBe('');
    }
  });

  it('sets the operator allow-list and audience on the operator services, with a delimiter gcloud keeps', async () => {
    const ok = await run(
      '--operators',
      'a@example.com,b@example.com',
      '--secret-versions',
      'stripe-webhook-secret=5,ops-alert-webhook-url=1',
    );
    expect(ok.code, ok.stderr).toBe(0);
    const deploys = printed(ok.stdout)
      .filter((line) => line.startsWith('gcloud run deploy '))
      .map(words);
    const env = (name: string) =>
      deploys.find((d) => d[3] === name)?.find((w) => w.startsWith('--set-env-vars=')) ?? '';
    expect(env('replay')).toMatch(/^--set-env-vars=\^;\^/);
    expect(env('replay').split(';')).toEqual(
      expect.arrayContaining([
        `OPERATOR_AUDIENCE=${url('replay')}`,
        'OPERATOR_ALLOW_LIST=a@example.com,b@example.com',
        'PUSH_AUTH=oidc',
      ]),
    );
    expect(env('provisioning-worker')).not.toContain('OPERATOR_');
  });
});

describe('infra/gcloud/bootstrap.sh --dry-run', () => {
  it('turns on point-in-time recovery and daily backups in prod only', async () => {
    const prod = printed(
      (await sandbox().run('bootstrap.sh', ['--project', 'p1', '--env', 'prod', '--dry-run']))
        .stdout,
    );
    expect(prod.find((l) => l.startsWith('gcloud firestore databases create '))).toContain(
      ' --enable-pitr ',
    );
    expect(prod).toContain(
      'gcloud firestore backups schedules create --database=\\(default\\) --recurrence=daily --retention=14d --project=p1',
    );
    const dev = printed(
      (await sandbox().run('bootstrap.sh', ['--project', 'p1', '--dry-run'])).stdout,
    );
    expect(dev.find((l) => l.startsWith('gcloud firestore databases create '))).not.toContain(
      'pitr',
    );
    expect(dev.some((l) => l.includes('backups schedules'))).toBe(false);
  });

  it('sets up APIs (Cloud Scheduler too), images, the push account, Firestore and its TTL policies', async () => {
    const run = await sandbox().run('bootstrap.sh', ['--project', 'p1', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    const lines = printed(run.stdout);
    // Each waits for its operation (no --async), so a rerun sees the result and converges.
    expect(lines.filter((line) => line.startsWith('gcloud firestore '))).toEqual([
      'gcloud firestore databases create --database=\\(default\\) --location=europe-west1 --type=firestore-native --delete-protection --project=p1',
      'gcloud firestore fields ttls update expire_at --collection-group=idempotency_records --enable-ttl --project=p1',
      'gcloud firestore indexes fields update expire_at --collection-group=idempotency_records --disable-indexes --project=p1',
      'gcloud firestore fields ttls update expire_at --collection-group=outbox --enable-ttl --project=p1',
      'gcloud firestore indexes fields update expire_at --collection-group=outbox --disable-indexes --project=p1',
      'gcloud firestore fields ttls update expire_at --collection-group=idempotency_keys --enable-ttl --project=p1',
      'gcloud firestore indexes fields update expire_at --collection-group=idempotency_keys --disable-indexes --project=p1',
    ]);
    // The image repository refuses re-pushed tags and cleans up after itself.
    expect(
      lines.find((line) => line.startsWith('gcloud artifacts repositories create ')),
    ).toContain(' --immutable-tags ');
    expect(
      lines.some((line) =>
        line.startsWith('gcloud artifacts repositories set-cleanup-policies gpuaas '),
      ),
    ).toBe(true);
    // The Pub/Sub service agent exists before deploy-bus.sh grants it anything.
    expect(lines).toContain(
      'gcloud beta services identity create --service=pubsub.googleapis.com --project=p1',
    );
    // The secrets the apps read, replicated in the region, without values.
    expect(lines.filter((line) => line.startsWith('gcloud secrets create '))).toEqual(
      ['stripe-webhook-secret', 'ops-alert-webhook-url'].map(
        (secret) =>
          `gcloud secrets create ${secret} --replication-policy=user-managed --locations=europe-west1 --project=p1`,
      ),
    );
    expect(lines.find((line) => line.startsWith('gcloud services enable '))).toContain(
      ' cloudscheduler.googleapis.com ',
    );
    expect(
      lines.some((line) => line.startsWith('gcloud artifacts repositories create gpuaas ')),
    ).toBe(true);
    expect(
      lines.some((line) => line.startsWith('gcloud iam service-accounts create pubsub-push ')),
    ).toBe(true);
  });

  it('checks the expire_at index apart from the TTL: a TTL already on does not skip it', async () => {
    const ttl = (collection: string) =>
      `projects/p1/databases/(default)/collectionGroups/${collection}/fields/expire_at`;
    const made = sandbox(
      'if [[ "$1 $2" == "firestore databases" ]]; then exit 0; fi',
      `if [[ "$1 $2 $3 $4" == "firestore fields ttls list" ]]; then printf '%s\\n' '${ttl('idempotency_records')}' '${ttl('outbox')}'; exit 0; fi`,
      // idempotency_records: indexes already off (explicit, empty); outbox: the database default.
      `if [[ "$*" == "firestore indexes fields describe expire_at --collection-group=idempotency_records "* ]]; then echo '{"indexConfig":{"ancestorField":"x"}}'; exit 0; fi`,
      `if [[ "$*" == "firestore indexes fields describe expire_at --collection-group=outbox "* ]]; then echo '{"indexConfig":{"usesAncestorConfig":true,"indexes":[{"queryScope":"COLLECTION"}]}}'; exit 0; fi`,
    );
    const run = await made.run('bootstrap.sh', ['--project', 'p1', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(printed(run.stdout).filter((line) => line.startsWith('gcloud firestore '))).toEqual([
      'gcloud firestore indexes fields update expire_at --collection-group=outbox --disable-indexes --project=p1',
      'gcloud firestore fields ttls update expire_at --collection-group=idempotency_keys --enable-ttl --project=p1',
      'gcloud firestore indexes fields update expire_at --collection-group=idempotency_keys --disable-indexes --project=p1',
    ]);
  });

  it('creates the push account --push-service-account names, as the deploy scripts take it', async () => {
    const run = await sandbox().run('bootstrap.sh', [
      '--project',
      'p1',
      '--push-service-account',
      'push2@p1.iam.gserviceaccount.com',
      '--dry-run',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(
      printed(run.stdout).some((line) =>
        line.startsWith('gcloud iam service-accounts create push2 '),
      ),
    ).toBe(true);
    const wrong = await sandbox().run('bootstrap.sh', [
      '--project',
      'p1',
      '--push-service-account',
      'push2@other.iam.gserviceaccount.com',
      '--dry-run',
    ]);
    expect(wrong.code).not.toBe(0);
  });
});
