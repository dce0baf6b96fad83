// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { CONSUMERS, catalog, deadLetterTopicName, EVENT_TYPES, topicName } from '@gpuaas/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BusTfvars,
  SERVICE_NAMES,
  SERVICES,
  type ServiceDefinition,
  type ServicesTfvars,
  servicesTfvarsFileUrl,
  TERRAFORM_ENVIRONMENTS,
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

const servicesTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(servicesTfvarsFileUrl(env), 'utf8')) as ServicesTfvars;
const busTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(tfvarsFileUrl(env), 'utf8')) as BusTfvars;
const ROWS: Readonly<Record<string, ServiceDefinition>> = SERVICES;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

/** Every resource block of every directory, as `<dir> <type>.<name>`. */
function allResources(): { address: string; type: string; block: Hcl }[] {
  return [...dirs.values()].flatMap((d) =>
    Object.entries(d.resource).flatMap(([type, named]) =>
      Object.entries(named).map(([name, block]) => ({
        address: `${d.dir} ${type}.${name}`,
        type,
        block,
      })),
    ),
  );
}

beforeAll(async () => {
  dirs = await parseTerraform();
});

/**
 * The publish rights the catalog gives a service, worked out here from the catalog rows and the
 * table's producers, independently of the generator: its events (every event for a service that
 * republishes dead letters) and the dead-letter topics of the consumers it hosts.
 */
function expectedPublishTopics(service: string): string[] {
  const row = ROWS[service] as ServiceDefinition;
  const events = EVENT_TYPES.filter(
    (eventType) =>
      row.republishesAnyEvent === true ||
      (row.producers as readonly string[]).includes(catalog[eventType].producer),
  );
  const hosted = CONSUMERS.filter(
    (consumer) =>
      consumer in row.consumers &&
      EVENT_TYPES.some((eventType) =>
        (catalog[eventType].consumers as readonly string[]).includes(consumer),
      ),
  );
  return [...events.map(topicName), ...hosted.map(deadLetterTopicName)];
}

describe('publish rights: each runtime account publishes to its catalog topics and dead-letter topics, nothing else', () => {
  it.each(TERRAFORM_ENVIRONMENTS)('are exactly those in %s/services.auto.tfvars.json', (env) => {
    const { services } = servicesTfvars(env);
    const bus = busTfvars(env);
    const busTopics = new Set([
      ...bus.topics.map((t) => t.name),
      ...bus.dead_letter_topics.map((t) => t.name),
    ]);
    for (const name of SERVICE_NAMES) {
      expect(services[name].publish_topics, name).toEqual(expectedPublishTopics(name));
      for (const topic of services[name].publish_topics)
        expect(busTopics.has(topic), `${name} publishes to ${topic}, a topic of the bus`).toBe(
          true,
        );
    }
  });

  it('give every catalog event exactly one producing service, named in the catalog', () => {
    const { services } = servicesTfvars('prod');
    for (const eventType of EVENT_TYPES) {
      const producers = SERVICE_NAMES.filter(
        (name) =>
          !ROWS[name]?.republishesAnyEvent && services[name].publish_topics.includes(eventType),
      );
      expect(producers, eventType).toHaveLength(1);
    }
    // The facts behind the mapping: the metered product is the provisioning worker; replay
    // republishes any dead letter to its original topic; the relay produces nothing.
    expect(services['provisioning-worker'].publish_topics).toContain(
      'platform.billing.usage.metered',
    );
    expect(services.replay.publish_topics).toEqual(EVENT_TYPES.map(topicName));
    expect(services['notification-relay'].publish_topics).toEqual([
      'notification-relay.dlq',
      'ops.dlq',
    ]);
    expect(services.payments.publish_topics).toEqual([
      'platform.payments.balance_credited',
      'platform.payments.reconcile_failed',
    ]);
  });

  it('are granted per topic, from publish_topics, to the runtime account', () => {
    const run = dir('modules/cloud-run-service');
    expect(resource(run, 'google_pubsub_topic_iam_member', 'publisher')).toMatchObject({
      for_each: '${toset(var.publish_topics)}',
      topic: '${each.value}',
      role: 'roles/pubsub.publisher',
      member: '${google_service_account.runtime.member}',
    });
    const platform = dir('modules/platform');
    expect(at(platform.module, 'service', 'publish_topics')).toBe(
      '${[for topic in each.value.publish_topics : local.bus_topic_ids[topic]]}',
    );
    expect(platform.locals.bus_topic_ids).toBe(
      '${merge(module.event_bus.topic_ids, module.event_bus.dead_letter_topic_ids)}',
    );
    // A revision starts once it may publish.
    expect(resource(run, 'google_cloud_run_v2_service', 'this').depends_on).toContain(
      '${google_pubsub_topic_iam_member.publisher}',
    );
  });
});

describe('no runtime account holds a project-wide Pub/Sub or Firestore role beyond what it needs', () => {
  it('gives runtime accounts logs and traces project-wide, and refuses Pub/Sub, Firestore and Secret Manager roles there', () => {
    const run = dir('modules/cloud-run-service');
    expect(at(run.variable, 'project_roles', 'default')).toEqual([
      'roles/logging.logWriter',
      'roles/cloudtrace.agent',
    ]);
    expect(String(at(run.variable, 'project_roles', 'validation', 'condition'))).toContain(
      'pubsub|datastore|firestore|secretmanager',
    );
    // The platform never widens them.
    expect(at(dir('modules/platform').module, 'service')).not.toHaveProperty('project_roles');
  });

  it('grants Firestore as roles/datastore.user on the platform database alone (an IAM condition)', () => {
    const run = dir('modules/cloud-run-service');
    const firestore = resource(run, 'google_project_iam_member', 'firestore');
    expect(firestore).toMatchObject({
      role: 'roles/datastore.user',
      member: '${google_service_account.runtime.member}',
    });
    expect(at(firestore, 'condition', 'expression')).toBe(
      'resource.name == "projects/${var.project_id}/databases/${var.firestore_database}"',
    );
    expect(at(dir('modules/platform').module, 'service', 'firestore_database')).toBe(
      '${module.firestore.database_name}',
    );
  });

  it('holds no other project-level grant of a Pub/Sub, Firestore or Secret Manager role anywhere', () => {
    const projectGrants = allResources().filter((r) =>
      [
        'google_project_iam_member',
        'google_project_iam_binding',
        'google_project_iam_policy',
      ].includes(r.type),
    );
    expect(projectGrants.map((r) => r.address).sort()).toEqual([
      'modules/ci-deployer google_project_iam_member.deployer',
      'modules/cloud-run-service google_project_iam_member.firestore',
      'modules/cloud-run-service google_project_iam_member.runtime',
    ]);
    const deployerRoles = at(
      dir('modules/ci-deployer').variable,
      'project_roles',
      'default',
    ) as string[];
    expect(deployerRoles.filter((role) => /pubsub|datastore|secretmanager/.test(role))).toEqual([]);
    // Every topic grant in the modules is per topic, and names its member explicitly.
    const topicGrants = allResources().filter((r) => r.type === 'google_pubsub_topic_iam_member');
    expect(topicGrants.map((r) => `${r.address} ${r.block.member}`).sort()).toEqual([
      'modules/cloud-run-service google_pubsub_topic_iam_member.publisher ${google_service_account.runtime.member}',
      'modules/event-bus google_pubsub_topic_iam_member.dead_letter_publisher ${local.pubsub_service_agent}',
    ]);
  });
});

describe('secrets: every secret an app reads is declared and bound only to that app', () => {
  const readers = (env: 'dev' | 'prod') => {
    const { services } = servicesTfvars(env);
    const bySecret = new Map<string, string[]>();
    for (const name of SERVICE_NAMES) {
      for (const { secret } of Object.values(services[name].secret_env)) {
        bySecret.set(secret, [...(bySecret.get(secret) ?? []), name]);
      }
    }
    return bySecret;
  };

  it.each(TERRAFORM_ENVIRONMENTS)(
    '%s: the services file carries the table secrets, each read by one app',
    (env) => {
      const { services } = servicesTfvars(env);
      for (const name of SERVICE_NAMES) {
        const table = Object.fromEntries(
          Object.entries(ROWS[name]?.secretEnv ?? {}).map(([key, { secret }]) => [key, { secret }]),
        );
        expect(services[name].secret_env, name).toEqual(table);
      }
      expect(Object.fromEntries(readers(env))).toEqual({
        'stripe-webhook-secret': ['payments'],
        'ops-alert-webhook-url': ['notification-relay'],
      });
    },
  );

  it('declares every secret of the services map, replicated, before any service reads it', () => {
    const platform = dir('modules/platform');
    expect(platform.locals.secrets).toBe(
      '${toset(flatten([for s in var.services : [for e in values(s.secret_env) : e.secret]]))}',
    );
    const secret = resource(platform, 'google_secret_manager_secret', 'app');
    expect(secret).toMatchObject({ for_each: '${local.secrets}', secret_id: '${each.key}' });
    expect(at(secret, 'replication', 'user_managed', 'dynamic', 'replicas', 'for_each')).toBe(
      '${length(var.secret_replica_locations) > 0 ? var.secret_replica_locations : [var.region]}',
    );
    // The service reads the declared secret (an implicit dependency) at its pinned version.
    expect(String(at(platform.module, 'service', 'secret_env'))).toMatch(
      /secret\s+= google_secret_manager_secret\.app\[e\.secret\]\.secret_id\s+version = var\.secret_versions\[e\.secret\]/,
    );
  });

  it('binds secretAccessor in the service module only, per secret of that service, to its runtime account', () => {
    const run = dir('modules/cloud-run-service');
    expect(resource(run, 'google_secret_manager_secret_iam_member', 'runtime')).toMatchObject({
      for_each: '${local.secrets}',
      secret_id: '${each.value}',
      role: 'roles/secretmanager.secretAccessor',
      member: '${google_service_account.runtime.member}',
    });
    expect(run.locals.secrets).toBe('${toset([for e in values(var.secret_env) : e.secret])}');
    const accessorGrants = allResources().filter((r) =>
      String(r.block.role ?? '').startsWith('roles/secretmanager.'),
    );
    expect(accessorGrants.map((r) => r.address)).toEqual([
      'modules/cloud-run-service google_secret_manager_secret_iam_member.runtime',
    ]);
  });

  it('pins secret versions: latest is refused, and deploying needs a pin for every secret read', () => {
    const run = dir('modules/cloud-run-service');
    expect(String(at(run.variable, 'secret_env', 'validation', 'condition'))).toContain(
      'regex("^[1-9][0-9]*$", e.version)',
    );
    expect(String(at(run.variable, 'secret_env', 'type'))).not.toContain('latest');
    const validations = at(
      dir('modules/platform').variable,
      'secret_versions',
      'validation',
    ) as Hcl[];
    expect(validations.map((v) => String(v.condition))).toEqual([
      expect.stringContaining('regex("^[1-9][0-9]*$", version)'),
      expect.stringMatching(
        /length\(var\.image_digests\) == 0 \|\| alltrue\(flatten\(\[\s+for s in var\.services : \[for e in values\(s\.secret_env\) : contains\(keys\(var\.secret_versions\), e\.secret\)\]/,
      ),
    ]);
  });
});

describe('operators', () => {
  it('get run.invoker on the IAM-only operator services (replay), from operator_emails', () => {
    const platform = dir('modules/platform');
    expect(resource(platform, 'google_cloud_run_v2_service_iam_member', 'operator')).toMatchObject({
      for_each: '${local.operator_invokers}',
      role: 'roles/run.invoker',
      member: '${each.value.member}',
    });
    expect(String(platform.locals.operator_invokers)).toContain(
      '[for name, s in local.services : name if s.operator_api && !s.allow_unauthenticated]',
    );
    const { services } = servicesTfvars('prod');
    const iamOnly = SERVICE_NAMES.filter(
      (name) => services[name].operator_api && !services[name].allow_unauthenticated,
    );
    expect(iamOnly).toEqual(['replay']);
    expect(SERVICE_NAMES.filter((name) => services[name].operator_api)).toEqual([
      'orchestrator',
      'billing-worker',
      'payments',
      'notification-relay',
      'replay',
    ]);
  });

  it('are the allow-list (plain env, with the service URL as audience) of every operator service', () => {
    const platform = dir('modules/platform');
    expect(at(platform.module, 'service', 'operator_allow_list')).toBe(
      '${each.value.operator_api ? var.operator_emails : null}',
    );
    const run = dir('modules/cloud-run-service');
    expect(String(run.locals.operator_env)).toMatch(
      /OPERATOR_ALLOW_LIST = join\(",", var\.operator_allow_list\)\s+OPERATOR_AUDIENCE\s+= local\.audience/,
    );
  });
});
