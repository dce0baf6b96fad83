// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ABANDONED_LOCK_MARGIN,
  ABANDONED_TRANSACTION_LOCK_SECONDS,
  type BusTfvars,
  RETENTION_DAYS,
  tfvarsFileUrl,
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

const tfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(tfvarsFileUrl(env), 'utf8')) as BusTfvars;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

beforeAll(async () => {
  dirs = await parseTerraform();
});

describe('modules/event-bus', () => {
  let bus: TerraformDir;
  beforeAll(() => {
    bus = dir('modules/event-bus');
  });

  it('creates topics, dead-letter topics and one subscription resource, for_each keyed by name', () => {
    const keyedByName = {
      topics: 'var.topics',
      dead_letter_topics: 'var.dead_letter_topics',
      subscriptions: 'var.subscriptions',
      archive_subscriptions: 'var.archive_subscriptions',
    };
    for (const [local, variable] of Object.entries(keyedByName)) {
      expect(bus.locals[local]).toMatch(
        new RegExp(
          `^\\$\\{\\{ for (\\w) in ${variable.replace('.', '\\.')} : \\1\\.name => \\1 \\}\\}$`,
        ),
      );
    }
    for (const [name, local] of [
      ['event', 'topics'],
      ['dead_letter', 'dead_letter_topics'],
    ] as const) {
      const block = resource(bus, 'google_pubsub_topic', name);
      expect(block.for_each, name).toBe(`\${local.${local}}`);
      expect(block.name, name).toBe('${each.key}');
    }
    // Catalog rows and archives are one resource; what differs is data, keyed by name.
    expect(Object.keys(bus.resource.google_pubsub_subscription ?? {})).toEqual(['push']);
    const push = resource(bus, 'google_pubsub_subscription', 'push');
    expect(push.for_each).toBe('${local.push_subscriptions}');
    expect(push.name).toBe('${each.key}');
    expect(push.topic).toBe('${each.value.topic}');
    const all = String(bus.locals.push_subscriptions);
    expect(all).toMatch(/^\$\{merge\(/);
    expect(all).toMatch(/for s in var\.subscriptions : s\.name => \{/);
    expect(all).toMatch(/for s in var\.archive_subscriptions : s\.name => \{/);
    expect(all).toContain('topic                   = google_pubsub_topic.event[s.topic].id');
    expect(all).toContain('topic                   = google_pubsub_topic.dead_letter[s.topic].id');
  });

  it('gives every push subscription an OIDC token and a retry policy; optional parts are data', () => {
    const push = resource(bus, 'google_pubsub_subscription', 'push');
    // The deterministic URL, as the audience, deploy-bus.sh and topology build it; not the
    // service's `uri` output.
    expect(at(push, 'push_config', 'push_endpoint')).toBe(
      '${var.cloud_run_services[each.value.service].audience}${each.value.push_path}',
    );
    expect(at(push, 'push_config', 'oidc_token', 'service_account_email')).toBe(
      '${var.push_service_account_email}',
    );
    expect(at(push, 'push_config', 'oidc_token', 'audience')).toMatch(/\.audience\}$/);
    expect(at(push, 'retry_policy', 'minimum_backoff')).toBe(
      '${each.value.minimum_backoff_seconds}s',
    );
    expect(at(push, 'retry_policy', 'maximum_backoff')).toBe(
      '${each.value.maximum_backoff_seconds}s',
    );
    expect(push.ack_deadline_seconds).toBe('${each.value.ack_deadline_seconds}');
    expect(at(push, 'expiration_policy', 'ttl')).toBe('');
    // The dead-letter policy is a dynamic block: present for catalog rows, absent for archives.
    expect(has(push, 'dead_letter_policy')).toBe(false);
    const dynamic = at(push, 'dynamic', 'dead_letter_policy');
    expect(at(dynamic, 'for_each')).toBe(
      '${each.value.dead_letter_policy == null ? [] : [each.value.dead_letter_policy]}',
    );
    expect(at(dynamic, 'content', 'dead_letter_topic')).toBe(
      '${dead_letter_policy.value.dead_letter_topic}',
    );
    expect(at(dynamic, 'content', 'max_delivery_attempts')).toBe(
      '${dead_letter_policy.value.max_delivery_attempts}',
    );
    // Filter and retention are attributes, null where a kind has none.
    expect(push.filter).toBe('${each.value.filter}');
    expect(push.message_retention_duration).toBe('${each.value.message_retention_duration}');
    const all = String(bus.locals.push_subscriptions);
    const [rows = '', archives = ''] = all.split('for s in var.archive_subscriptions');
    expect(rows).toContain('filter                  = s.filter == "" ? null : s.filter');
    expect(rows).toMatch(
      /dead_letter_policy = \{\s+dead_letter_topic\s+= google_pubsub_topic\.dead_letter\[s\.dead_letter_topic\]\.id\s+max_delivery_attempts = s\.max_delivery_attempts\s+\}/,
    );
    expect(rows).toMatch(/message_retention_duration = null/);
    // Dead letters of dead letters would loop: the archive has no dead-letter policy, by design.
    expect(archives).toMatch(/filter = null/);
    expect(archives).toMatch(/dead_letter_policy\s+= null/);
    expect(archives).toContain(
      'message_retention_duration = "${var.dead_letter_retention_days * 86400}s"',
    );
    expect(String(at(bus.variable, 'cloud_run_services', 'type'))).not.toMatch(/\buri\b/);
  });

  it('keeps the archive subscriptions it had under their old address (moved, not recreated)', () => {
    const moves = bus.moved.map((m) => [m.from, m.to]);
    expect(moves).toEqual(
      tfvars('dev').archive_subscriptions.map((s) => [
        `\${google_pubsub_subscription.archive["${s.name}"]}`,
        `\${google_pubsub_subscription.push["${s.name}"]}`,
      ]),
    );
  });

  it("keeps archived dead letters dead_letter_retention_days, 31 by default (Pub/Sub's maximum)", () => {
    const retention = bus.variable.dead_letter_retention_days as Hcl;
    expect(retention.default).toBe(RETENTION_DAYS.deadLetter);
    expect(retention.default).toBe(31);
    expect(String(at(retention, 'validation', 'condition'))).toContain(
      'var.dead_letter_retention_days <= 31',
    );
    expect(at(dir('modules/platform').module, 'event_bus', 'dead_letter_retention_days')).toBe(
      '${var.dead_letter_retention_days}',
    );
  });

  it('keeps max_delivery_attempts within 5..100 and the lease under the ack deadline, in the variable', () => {
    const variable = bus.variable.subscriptions as Hcl;
    expect(variable.type).toMatch(/max_delivery_attempts\s+= optional\(number, 10\)/);
    const conditions = (variable.validation as Hcl[]).map((v) => String(v.condition));
    expect(conditions).toContainEqual(
      expect.stringMatching(/s\.max_delivery_attempts >= 5 && s\.max_delivery_attempts <= 100/),
    );
    expect(conditions).toContainEqual(
      expect.stringMatching(/s\.lease_seconds < s\.ack_deadline_seconds/),
    );
    const preconditions = at(
      resource(bus, 'google_pubsub_subscription', 'push'),
      'lifecycle',
      'precondition',
    ) as Hcl[];
    expect(preconditions.map((p) => String(p.condition))).toContainEqual(
      expect.stringMatching(/request_timeout_seconds, 0\) > each\.value\.ack_deadline_seconds/),
    );
  });

  it('refuses subscriptions whose retries cannot outlast an abandoned transaction lock', () => {
    const validations = (bus.variable.subscriptions as Hcl).validation as Hcl[];
    const span = validations.find((v) => String(v.condition).includes('max_delivery_attempts - 1'));
    expect(span, 'a retry span validation').toBeDefined();
    const match = /\(s\.max_delivery_attempts - 1\) \* s\.minimum_backoff_seconds >= (\d+)/.exec(
      String(span?.condition),
    );
    expect(Number(match?.[1])).toBe(ABANDONED_TRANSACTION_LOCK_SECONDS * ABANDONED_LOCK_MARGIN);
    expect(String(span?.condition)).toMatch(/^\$\{alltrue\(\[for s in var\.subscriptions : /);
    expect(String(span?.error_message)).toMatch(/abandoned Firestore transaction/);
    // The generated subscriptions pass it.
    for (const env of ['dev', 'prod'] as const) {
      for (const s of tfvars(env).subscriptions) {
        expect(
          (s.max_delivery_attempts - 1) * s.minimum_backoff_seconds,
          s.name,
        ).toBeGreaterThanOrEqual(90);
      }
    }
  });

  it('grants the Pub/Sub service agent publisher on dead-letter topics and subscriber on subscriptions', () => {
    expect(bus.locals.pubsub_service_agent).toBe(
      'serviceAccount:${var.pubsub_service_agent_email}',
    );
    expect(
      String(at(bus.variable, 'pubsub_service_agent_email', 'validation', 'condition')),
    ).toContain('gcp-sa-pubsub');
    const publisher = resource(bus, 'google_pubsub_topic_iam_member', 'dead_letter_publisher');
    expect(publisher).toMatchObject({
      for_each: '${local.dead_letter_topics}',
      topic: '${google_pubsub_topic.dead_letter[each.key].name}',
      role: 'roles/pubsub.publisher',
      member: '${local.pubsub_service_agent}',
    });
    const subscriber = resource(
      bus,
      'google_pubsub_subscription_iam_member',
      'dead_letter_subscriber',
    );
    expect(subscriber).toMatchObject({
      for_each: '${local.subscriptions}',
      subscription: '${google_pubsub_subscription.push[each.key].name}',
      role: 'roles/pubsub.subscriber',
      member: '${local.pubsub_service_agent}',
    });
    expect(
      resource(bus, 'google_service_account_iam_member', 'service_agent_token_creator'),
    ).toMatchObject({
      role: 'roles/iam.serviceAccountTokenCreator',
      member: '${local.pubsub_service_agent}',
    });
    expect(resource(bus, 'google_cloud_run_v2_service_iam_member', 'push_invoker')).toMatchObject({
      for_each: '${local.push_services}',
      role: 'roles/run.invoker',
      member: 'serviceAccount:${var.push_service_account_email}',
    });
  });
});
