// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BusTfvars,
  RETENTION_DAYS,
  SERVICE_NAMES,
  type ServicesTfvars,
  servicesTfvarsFileUrl,
  TERRAFORM_ENVIRONMENTS,
  tasksOf,
  tfvarsFileUrl,
} from '../src/index';
import {
  at,
  type Hcl,
  parseTerraform,
  resource,
  type TerraformDir,
  terraformDir,
} from './support/terraform';

const busTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(tfvarsFileUrl(env), 'utf8')) as BusTfvars;
const servicesTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(servicesTfvarsFileUrl(env), 'utf8')) as ServicesTfvars;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

beforeAll(async () => {
  dirs = await parseTerraform();
});

describe.each(TERRAFORM_ENVIRONMENTS)('environments/%s', (env) => {
  let root: TerraformDir;
  beforeAll(() => {
    root = dir(`environments/${env}`);
  });

  it('configures the provider, a GCS backend and the platform module', () => {
    expect(at(root.terraform, 'backend', 'gcs', 'prefix')).toBe(`gpuaas/${env}`);
    expect(at(root.provider, 'google', 'project')).toBe('${var.project_id}');
    expect(at(root.module, 'platform', 'source')).toBe('../../modules/platform');
    for (const name of [
      'project_id',
      'region',
      'image_digests',
      'secret_versions',
      'operator_emails',
    ])
      expect(root.variable).toHaveProperty(name);
    // The Pub/Sub service agent needs the beta provider (google_project_service_identity).
    expect(at(root.provider, 'google-beta', 'project')).toBe('${var.project_id}');
    expect(at(root.terraform, 'required_providers')).toMatchObject([
      { 'google-beta': { source: 'hashicorp/google-beta' } },
    ]);
  });

  it('declares every variable the generated files set, and passes it on', () => {
    for (const key of Object.keys(busTfvars(env))) {
      expect(root.variable, key).toHaveProperty(key);
      expect(at(root.module, 'platform', key)).toBe(`\${var.${key}}`);
    }
    const bus = dir('modules/platform').module.event_bus as Hcl;
    expect(bus.topics).toBe('${var.topics}');
    expect(bus.dead_letter_topics).toBe('${var.dead_letter_topics}');
    // Subscriptions push to the services, so they arrive with the services (image_digests).
    expect(bus.subscriptions).toBe('${[for s in var.subscriptions : s if local.deploy]}');
    expect(bus.archive_subscriptions).toBe(
      '${[for s in var.archive_subscriptions : s if local.deploy]}',
    );
    for (const key of Object.keys(servicesTfvars(env))) {
      expect(root.variable, key).toHaveProperty(key);
      expect(at(root.module, 'platform', key)).toBe(`\${var.${key}}`);
      expect(dir('modules/platform').variable, key).toHaveProperty(key);
    }
  });

  it('writes no service by hand: the services map is the generated one', () => {
    // The table (src/services/table.ts) is the one description of the apps.
    expect(at(root.module, 'platform', 'services')).toBe('${var.services}');
    expect(Object.keys(servicesTfvars(env).services)).toEqual(SERVICE_NAMES);
    expect(servicesTfvars(env)).toMatchObject({
      idempotency_retention_days: RETENTION_DAYS.idempotency,
      dead_letter_retention_days: RETENTION_DAYS.deadLetter,
      replay_window_days: RETENTION_DAYS.replayWindow,
    });
  });

  it('runs a Cloud Run service for every push target, its request timeout above the ack deadline', () => {
    const { services } = servicesTfvars(env);
    const bus = busTfvars(env);
    for (const s of [...bus.subscriptions, ...bus.archive_subscriptions]) {
      const service = services[s.service as keyof typeof services];
      expect(service, `${s.name} pushes to ${s.service}`).toBeDefined();
      expect(service.request_timeout_seconds, s.name).toBeGreaterThan(s.ack_deadline_seconds);
    }
    for (const s of bus.subscriptions)
      expect(s.ack_deadline_seconds, s.name).toBeGreaterThan(s.lease_seconds);
  });

  it('sizes the services per environment and exposes the user-facing ones', () => {
    const { services } = servicesTfvars(env);
    const [min, max] = env === 'dev' ? [0, 3] : [1, 20];
    for (const name of SERVICE_NAMES.filter((n) => n !== 'replay')) {
      expect(services[name], name).toMatchObject({
        min_instance_count: min,
        max_instance_count: max,
      });
    }
    expect(services.replay).toMatchObject({ min_instance_count: 0, max_instance_count: 2 });
    const exposure = Object.fromEntries(
      SERVICE_NAMES.map((n) => [n, `${services[n].ingress} ${services[n].allow_unauthenticated}`]),
    );
    expect(exposure).toEqual({
      orchestrator: 'INGRESS_TRAFFIC_ALL true',
      'provisioning-worker': 'INGRESS_TRAFFIC_INTERNAL_ONLY false',
      'billing-worker': 'INGRESS_TRAFFIC_ALL true',
      payments: 'INGRESS_TRAFFIC_ALL true',
      'notification-relay': 'INGRESS_TRAFFIC_ALL true',
      replay: 'INGRESS_TRAFFIC_ALL false',
    });
    // Versions are pinned per environment (secret_versions), so the table names secrets only.
    expect(services.payments.secret_env).toEqual({
      STRIPE_WEBHOOK_SECRET: { secret: 'stripe-webhook-secret' },
    });
  });

  it('carries every task of the table, so the platform makes one scheduler job per (service, task)', () => {
    const { services } = servicesTfvars(env);
    for (const name of SERVICE_NAMES) {
      expect(services[name].tasks, name).toEqual(
        tasksOf(name).map((task) => ({
          name: task.name,
          path: task.path,
          schedule: task.schedule,
          description: task.description,
          attempt_deadline_seconds: task.attemptDeadlineSeconds,
          retry_count: task.retryCount,
          min_backoff_seconds: task.minBackoffSeconds,
          max_backoff_seconds: task.maxBackoffSeconds,
        })),
      );
    }
  });
});

describe('modules/platform scheduler jobs', () => {
  it('makes one job <task>-<service> per task, POST <service URL><path> with the push OIDC token', () => {
    const platform = dir('modules/platform');
    const job = resource(platform, 'google_cloud_scheduler_job', 'task');
    expect(job.for_each).toBe('${local.scheduler_jobs}');
    expect(String(platform.locals.scheduler_jobs)).toMatch(
      /^\$\{merge\(\[\s+for service, s in local\.services : \{\s+for task in s\.tasks : "\$\{task\.name\}-\$\{service\}" => merge\(task, \{ service = service \}\)\s+\}\s+\]\.\.\.\)\}$/,
    );
    expect(job).toMatchObject({
      name: '${each.key}',
      schedule: '${each.value.schedule}',
      description: '${each.value.description}',
      time_zone: 'Etc/UTC',
      region: '${var.region}',
      project: '${var.project_id}',
    });
    expect(at(job, 'http_target', 'http_method')).toBe('POST');
    expect(at(job, 'http_target', 'uri')).toBe(
      '${module.service[each.value.service].audience}${each.value.path}',
    );
    // A task authenticates like a push: token email = PUSH_SERVICE_ACCOUNT, aud = PUSH_AUDIENCE.
    expect(at(job, 'http_target', 'oidc_token', 'service_account_email')).toBe(
      '${google_service_account.push.email}',
    );
    expect(at(job, 'http_target', 'oidc_token', 'audience')).toBe(
      '${module.service[each.value.service].audience}',
    );
    expect(at(platform.module, 'service', 'push_auth')).toEqual({
      service_account_email: '${google_service_account.push.email}',
    });
    const run = dir('modules/cloud-run-service');
    expect(run.locals.audience).toBe(
      'https://${var.name}-${var.project_number}.${var.region}.run.app',
    );
    expect(at(platform.module, 'service', 'project_number')).toBe(
      '${data.google_project.this.number}',
    );
    expect(String(run.locals.push_env)).toMatch(/PUSH_AUDIENCE\s+= local\.audience/);
    expect(platform.locals.apis).toContain('cloudscheduler.googleapis.com');
    expect(job.depends_on).toEqual(['${google_project_service.enabled}']);
    expect(job.attempt_deadline).toBe('${each.value.attempt_deadline_seconds}s');
    expect(at(job, 'retry_config')).toMatchObject([
      {
        retry_count: '${each.value.retry_count}',
        min_backoff_duration: '${each.value.min_backoff_seconds}s',
        max_backoff_duration: '${each.value.max_backoff_seconds}s',
      },
    ]);
  });

  it('lets the push account invoke services with tasks but no subscription', () => {
    const platform = dir('modules/platform');
    const invoker = resource(platform, 'google_cloud_run_v2_service_iam_member', 'task_invoker');
    expect(invoker).toMatchObject({
      for_each:
        '${setsubtract(toset([for job in local.scheduler_jobs : job.service]), local.push_services)}',
      role: 'roles/run.invoker',
      member: '${google_service_account.push.member}',
    });
    const bus = busTfvars('dev');
    const pushed = new Set(
      [...bus.subscriptions, ...bus.archive_subscriptions].map((s) => s.service),
    );
    const withTasks = SERVICE_NAMES.filter((name) => tasksOf(name).length > 0);
    // payments has a sweep and no subscription: only the task grant covers it.
    expect(withTasks.filter((name) => !pushed.has(name))).toEqual(['payments']);
  });

  it('keeps the outbox sweep jobs it had under their old address (moved, not recreated)', () => {
    const moves = dir('modules/platform').moved.map((m) => [m.from, m.to]);
    expect(moves).toEqual(
      ['orchestrator', 'provisioning-worker', 'billing-worker'].map((service) => [
        `\${google_cloud_scheduler_job.outbox_sweep["${service}"]}`,
        `\${google_cloud_scheduler_job.task["outbox-sweep-${service}"]}`,
      ]),
    );
  });
});
