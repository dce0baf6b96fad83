// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICE_NAMES,
  type ServicesTfvars,
  servicesTfvarsFileUrl,
  TERRAFORM_ENVIRONMENTS,
} from '../src/index';
import {
  at,
  type Hcl,
  has,
  parseTerraform,
  resource,
  type TerraformDir,
  terraformDir,
} from './support/terraform';

const servicesTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(servicesTfvarsFileUrl(env), 'utf8')) as ServicesTfvars;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);
const ENABLED = '${google_project_service.enabled}';

beforeAll(async () => {
  dirs = await parseTerraform();
});

describe('a first apply on a new project: nothing targeted', () => {
  it('makes every module and every resource of the platform wait for the enabled APIs', () => {
    const platform = dir('modules/platform');
    const waiting: string[] = [];
    const missing: string[] = [];
    for (const [name, block] of Object.entries(platform.module)) {
      (((block.depends_on as string[]) ?? []).includes(ENABLED) ? waiting : missing).push(
        `module.${name}`,
      );
    }
    for (const [type, named] of Object.entries({ ...platform.resource, ...platform.data })) {
      for (const [name, block] of Object.entries(named)) {
        if (type === 'google_project_service') continue;
        (((block.depends_on as string[]) ?? []).includes(ENABLED) ? waiting : missing).push(
          `${type}.${name}`,
        );
      }
    }
    expect(missing).toEqual([]);
    expect(waiting).toEqual(
      expect.arrayContaining([
        'module.firestore',
        'module.service',
        'module.event_bus',
        'module.public_edge',
        'module.ci_deployer',
        'google_artifact_registry_repository.images',
        'google_secret_manager_secret.app',
        'google_cloud_scheduler_job.task',
        'google_project_service_identity.pubsub',
      ]),
    );
    // The modules read no data source of their own that could run before the APIs exist.
    for (const name of ['modules/cloud-run-service', 'modules/event-bus', 'modules/firestore'])
      expect(Object.keys(dir(name).data), name).toEqual([]);
  });

  it('enables every API the modules use', () => {
    const apis = String(dir('modules/platform').locals.apis);
    for (const api of [
      'run',
      'pubsub',
      'firestore',
      'secretmanager',
      'cloudscheduler',
      'artifactregistry',
      'iam',
      'iamcredentials',
      'sts',
      'monitoring',
      'logging',
    ])
      expect(apis, api).toContain(`"${api}.googleapis.com"`);
    expect(apis).toContain('length(var.edge_domains) > 0 ? ["compute.googleapis.com"] : []');
  });

  it('creates the Pub/Sub service agent (beta provider) before the grants that name it', () => {
    const platform = dir('modules/platform');
    const identity = resource(platform, 'google_project_service_identity', 'pubsub');
    expect(identity).toMatchObject({
      provider: '${google-beta}',
      service: 'pubsub.googleapis.com',
    });
    expect(at(platform.module, 'event_bus', 'pubsub_service_agent_email')).toBe(
      '${google_project_service_identity.pubsub.email}',
    );
    expect(at(platform.terraform, 'required_providers')).toMatchObject([
      { 'google-beta': { source: 'hashicorp/google-beta' } },
    ]);
  });

  it('lays the foundation without images, and the services, subscriptions and jobs with them', () => {
    const platform = dir('modules/platform');
    expect(platform.locals.deploy).toBe('${length(var.image_digests) > 0}');
    expect(String(platform.locals.scheduler_jobs)).toContain('for service, s in local.services');
    const digests = at(platform.variable, 'image_digests', 'validation') as Hcl[];
    expect(digests.map((v) => String(v.condition))).toEqual([
      expect.stringContaining('regex("^sha256:[0-9a-f]{64}$", digest)'),
      '${length(var.image_digests) == 0 || length(setsymmetricdifference(keys(var.image_digests), keys(var.services))) == 0}',
    ]);
  });
});

describe('rollouts', () => {
  it('references every image by digest, never by tag', () => {
    const platform = dir('modules/platform');
    expect(at(platform.module, 'service', 'image')).toBe(
      '${local.image_base}/${each.key}@${var.image_digests[each.key]}',
    );
    expect(platform.variable).not.toHaveProperty('image_tag');
    expect(
      String(at(dir('modules/cloud-run-service').variable, 'image', 'validation', 'condition')),
    ).toBe('${can(regex("@sha256:[0-9a-f]{64}$", var.image))}');
    for (const env of TERRAFORM_ENVIRONMENTS)
      expect(dir(`environments/${env}`).variable).toHaveProperty('image_digests');
  });

  it('keeps images in a repository with immutable tags and cleanup policies that keep a rollback depth', () => {
    const repo = resource(dir('modules/platform'), 'google_artifact_registry_repository', 'images');
    expect(at(repo, 'docker_config', 'immutable_tags')).toBe(true);
    expect(repo.cleanup_policy_dry_run).toBe(false);
    const policies = repo.cleanup_policies as Hcl[];
    expect(policies.map((p) => `${p.id} ${p.action}`)).toEqual([
      'keep-recent KEEP',
      'delete-untagged DELETE',
      'delete-old DELETE',
    ]);
    expect(at(policies[0], 'most_recent_versions', 'keep_count')).toBe('${var.image_keep_count}');
    expect(at(policies[1], 'condition', 'tag_state')).toBe('UNTAGGED');
  });

  it('has a CI deployer through Workload Identity Federation, limited to one repository and its refs', () => {
    const deployer = dir('modules/ci-deployer');
    const provider = resource(deployer, 'google_iam_workload_identity_pool_provider', 'github');
    expect(at(provider, 'oidc', 'issuer_uri')).toBe('https://token.actions.githubusercontent.com');
    expect(provider.attribute_condition).toBe(
      'assertion.repository == "${var.github_repository}" && (${local.refs_condition})',
    );
    expect(
      resource(deployer, 'google_service_account_iam_member', 'workload_identity_user'),
    ).toMatchObject({ role: 'roles/iam.workloadIdentityUser' });
    expect(
      resource(deployer, 'google_artifact_registry_repository_iam_member', 'writer').role,
    ).toBe('roles/artifactregistry.writer');
    expect(at(dir('modules/platform').module, 'ci_deployer', 'count')).toBe(
      '${var.ci_deployer == null ? 0 : 1}',
    );
  });
});

describe('Firestore: prod recovers, dev is disposable', () => {
  it.each(TERRAFORM_ENVIRONMENTS)(
    '%s sets point-in-time recovery, daily backups and delete protection',
    (env) => {
      const platform = at(dir(`environments/${env}`).module, 'platform') as Hcl;
      const prod = env === 'prod';
      expect(platform.firestore_point_in_time_recovery).toBe(prod);
      expect(platform.deletion_protection).toBe(prod);
      if (prod) expect(platform.firestore_daily_backup_retention_days).toBeGreaterThanOrEqual(7);
      else expect(platform.firestore_daily_backup_retention_days).toBe(0);
    },
  );

  it('turns the three settings into the database, its delete protection and a daily backup schedule', () => {
    expect(at(dir('modules/platform').module, 'firestore')).toMatchObject({
      point_in_time_recovery: '${var.firestore_point_in_time_recovery}',
      daily_backup_retention_days: '${var.firestore_daily_backup_retention_days}',
      delete_protection: '${var.deletion_protection}',
    });
    const firestore = dir('modules/firestore');
    const database = resource(firestore, 'google_firestore_database', 'this');
    expect(database.point_in_time_recovery_enablement).toBe(
      '${var.point_in_time_recovery ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED"}',
    );
    expect(database.delete_protection_state).toBe(
      '${var.delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"}',
    );
    const backups = resource(firestore, 'google_firestore_backup_schedule', 'daily');
    expect(backups).toMatchObject({
      count: '${var.daily_backup_retention_days > 0 ? 1 : 0}',
      retention: '${var.daily_backup_retention_days * 86400}s',
    });
    expect(has(backups, 'daily_recurrence')).toBe(true);
  });
});

describe('scheduler jobs reach internal services', () => {
  it('call the run.app URL, which Cloud Run counts as internal for Cloud Scheduler in the project', () => {
    // provisioning-worker is internal-only and has four tasks.
    const { services } = servicesTfvars('prod');
    expect(services['provisioning-worker'].ingress).toBe('INGRESS_TRAFFIC_INTERNAL_ONLY');
    expect(services['provisioning-worker'].tasks.length).toBeGreaterThan(0);
    const job = resource(dir('modules/platform'), 'google_cloud_scheduler_job', 'task');
    expect(at(job, 'http_target', 'uri')).toBe(
      '${module.service[each.value.service].audience}${each.value.path}',
    );
    expect(dir('modules/cloud-run-service').locals.audience).toMatch(/\.run\.app$/);
    for (const name of SERVICE_NAMES) {
      for (const task of services[name].tasks) {
        expect(task.attempt_deadline_seconds, task.name).toBeGreaterThanOrEqual(15);
        expect(task.attempt_deadline_seconds, task.name).toBeLessThanOrEqual(
          services[name].request_timeout_seconds,
        );
        expect(task.retry_count, task.name).toBeGreaterThanOrEqual(0);
      }
    }
  });
});

describe('public edges: rate and size limits in front of the internet-facing services', () => {
  it('gives the orchestrator and the Stripe webhook edge limits in the services file', () => {
    const { services } = servicesTfvars('prod');
    for (const name of ['orchestrator', 'payments'] as const) {
      expect(services[name].edge?.requests_per_minute_per_ip, name).toBeGreaterThan(0);
      expect(services[name].edge?.max_request_body_bytes, name).toBeGreaterThan(0);
    }
    for (const name of SERVICE_NAMES)
      if (services[name].edge !== null)
        expect(services[name].allow_unauthenticated, name).toBe(true);
  });

  it('runs Cloud Armor per service: a Content-Length cap and a per-IP throttle answering 429', () => {
    const edge = dir('modules/public-edge');
    const policy = resource(edge, 'google_compute_security_policy', 'service');
    const rules = policy.rule as Hcl[];
    expect(at(rules[0], 'match', 'expr', 'expression')).toBe(
      "int(request.headers['content-length']) > ${each.value.max_request_body_bytes}",
    );
    expect(rules[1]).toMatchObject({ action: 'throttle' });
    expect(at(rules[1], 'rate_limit_options', 'exceed_action')).toBe('deny(429)');
    expect(at(rules[1], 'rate_limit_options', 'enforce_on_key')).toBe('IP');
    expect(at(rules[1], 'rate_limit_options', 'rate_limit_threshold', 'count')).toBe(
      '${each.value.requests_per_minute_per_ip}',
    );
    expect(resource(edge, 'google_compute_backend_service', 'service').security_policy).toBe(
      '${google_compute_security_policy.service[each.key].id}',
    );
  });

  it('closes the run.app URL of a service behind the edge to the internet', () => {
    const platform = dir('modules/platform');
    expect(at(platform.module, 'service', 'ingress')).toBe(
      '${contains(keys(var.edge_domains), each.key) ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : each.value.ingress}',
    );
    expect(String(at(platform.variable, 'edge_domains', 'validation', 'condition'))).toContain(
      'var.services[name].edge != null',
    );
  });
});
