// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BusTfvars, TERRAFORM_ENVIRONMENTS, tfvarsFileUrl } from '../src/index';
import {
  at,
  type Hcl,
  parseTerraform,
  resource,
  type TerraformDir,
  terraformDir,
} from './support/terraform';

const tfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(tfvarsFileUrl(env), 'utf8')) as BusTfvars;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

beforeAll(async () => {
  dirs = await parseTerraform();
});

describe.each(TERRAFORM_ENVIRONMENTS)('environments/%s', (env) => {
  let root: TerraformDir;
  let services: Record<string, Hcl>;
  beforeAll(() => {
    root = dir(`environments/${env}`);
    services = at(root.module, 'platform', 'services') as Record<string, Hcl>;
  });

  it('configures the provider, a GCS backend and the platform module', () => {
    expect(at(root.terraform, 'backend', 'gcs', 'prefix')).toBe(`gpuaas/${env}`);
    expect(at(root.provider, 'google', 'project')).toBe('${var.project_id}');
    expect(at(root.module, 'platform', 'source')).toBe('../../modules/platform');
    for (const name of ['project_id', 'region', 'image_tag'])
      expect(root.variable).toHaveProperty(name);
  });

  it('declares every variable the generated file sets, and passes it to the bus', () => {
    for (const key of Object.keys(tfvars(env))) {
      expect(root.variable, key).toHaveProperty(key);
      expect(at(root.module, 'platform', key)).toBe(`\${var.${key}}`);
      expect(at(dir('modules/platform').module, 'event_bus', key)).toBe(`\${var.${key}}`);
    }
  });

  it('runs a Cloud Run service for every push target, its request timeout above the ack deadline', () => {
    const platformType = String(at(dir('modules/platform').variable, 'services', 'type'));
    const defaultTimeout = Number(
      /request_timeout_seconds\s+= optional\(number, (\d+)\)/.exec(platformType)?.[1],
    );
    expect(defaultTimeout).toBe(300);
    const bus = tfvars(env);
    for (const s of [...bus.subscriptions, ...bus.archive_subscriptions]) {
      const service = services[s.service];
      expect(service, `${s.name} pushes to ${s.service}`).toBeDefined();
      const timeout = Number(service?.request_timeout_seconds ?? defaultTimeout);
      expect(timeout, s.name).toBeGreaterThan(s.ack_deadline_seconds);
    }
    for (const s of bus.subscriptions)
      expect(s.ack_deadline_seconds, s.name).toBeGreaterThan(s.lease_seconds);
  });

  it('ticks the outbox sweep of every consumer service every minute, with the push OIDC token', () => {
    const platform = dir('modules/platform');
    const job = resource(platform, 'google_cloud_scheduler_job', 'outbox_sweep');
    // One job per service a catalog row's subscription pushes to (those run packages/eventing).
    expect(job.for_each).toBe('${local.consumer_services}');
    expect(platform.locals.consumer_services).toMatch(
      /^\$\{toset\(\[for (\w+) in var\.subscriptions : \1\.service\]\)\}$/,
    );
    const consumerServices = [...new Set(tfvars(env).subscriptions.map((s) => s.service))].sort();
    expect(consumerServices).toEqual([
      'billing-worker',
      'notification-relay',
      'orchestrator',
      'provisioning-worker',
    ]);
    for (const service of consumerServices) expect(services, service).toHaveProperty(service);
    expect(job).toMatchObject({
      name: 'outbox-sweep-${each.key}',
      schedule: '* * * * *',
      region: '${var.region}',
      project: '${var.project_id}',
    });
    expect(at(job, 'http_target', 'http_method')).toBe('POST');
    expect(at(job, 'http_target', 'uri')).toBe(
      '${module.service[each.key].audience}/tasks/outbox-sweep',
    );
    // The sweep authenticates like a push: token email = PUSH_SERVICE_ACCOUNT, aud = PUSH_AUDIENCE.
    expect(at(job, 'http_target', 'oidc_token', 'service_account_email')).toBe(
      '${google_service_account.push.email}',
    );
    expect(at(job, 'http_target', 'oidc_token', 'audience')).toBe(
      '${module.service[each.key].audience}',
    );
    expect(at(platform.module, 'service', 'push_auth')).toEqual({
      service_account_email: '${google_service_account.push.email}',
    });
    const run = dir('modules/cloud-run-service');
    expect(run.locals.audience).toBe(
      'https://${var.name}-${data.google_project.this.number}.${var.region}.run.app',
    );
    expect(String(run.locals.push_env)).toMatch(/PUSH_AUDIENCE\s+= local\.audience/);
    expect(platform.locals.apis).toContain('cloudscheduler.googleapis.com');
    expect(job.depends_on).toEqual(['${google_project_service.enabled}']);
  });
});
