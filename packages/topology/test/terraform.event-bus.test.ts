// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  at,
  type Hcl,
  has,
  parseTerraform,
  resource,
  type TerraformDir,
  terraformDir,
} from './support/terraform';

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

  it('creates topics, dead-letter topics and both kinds of subscription for_each keyed by name', () => {
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
    const expected = [
      ['google_pubsub_topic', 'event', 'topics'],
      ['google_pubsub_topic', 'dead_letter', 'dead_letter_topics'],
      ['google_pubsub_subscription', 'push', 'subscriptions'],
      ['google_pubsub_subscription', 'archive', 'archive_subscriptions'],
    ];
    for (const [type, name, local] of expected as [string, string, string][]) {
      const block = resource(bus, type, name);
      expect(block.for_each, `${type}.${name}`).toBe(`\${local.${local}}`);
      expect(block.name, `${type}.${name}`).toBe('${each.key}');
    }
    expect(resource(bus, 'google_pubsub_subscription', 'push').topic).toBe(
      '${google_pubsub_topic.event[each.value.topic].id}',
    );
    expect(resource(bus, 'google_pubsub_subscription', 'archive').topic).toBe(
      '${google_pubsub_topic.dead_letter[each.value.topic].id}',
    );
  });

  it('gives every push subscription an OIDC token and a retry policy, and catalog rows a dead-letter policy', () => {
    const subscriptions = Object.entries(bus.resource.google_pubsub_subscription ?? {});
    expect(subscriptions.map(([name]) => name).sort()).toEqual(['archive', 'push']);
    for (const [name, block] of subscriptions) {
      // The deterministic URL, as the audience, deploy-bus.sh and topology build it; not the
      // service's `uri` output.
      expect(at(block, 'push_config', 'push_endpoint'), name).toBe(
        '${var.cloud_run_services[each.value.service].audience}${each.value.push_path}',
      );
      expect(at(block, 'push_config', 'oidc_token', 'service_account_email'), name).toBe(
        '${var.push_service_account_email}',
      );
      expect(at(block, 'push_config', 'oidc_token', 'audience'), name).toMatch(/\.audience\}$/);
      expect(at(block, 'retry_policy', 'minimum_backoff'), name).toBe(
        '${each.value.minimum_backoff_seconds}s',
      );
      expect(at(block, 'retry_policy', 'maximum_backoff'), name).toBe(
        '${each.value.maximum_backoff_seconds}s',
      );
      expect(block.ack_deadline_seconds, name).toBe('${each.value.ack_deadline_seconds}');
      expect(at(block, 'expiration_policy', 'ttl'), name).toBe('');
    }
    const push = resource(bus, 'google_pubsub_subscription', 'push');
    expect(at(push, 'dead_letter_policy', 'dead_letter_topic')).toBe(
      '${google_pubsub_topic.dead_letter[each.value.dead_letter_topic].id}',
    );
    expect(at(push, 'dead_letter_policy', 'max_delivery_attempts')).toBe(
      '${each.value.max_delivery_attempts}',
    );
    expect(push.filter).toBe('${each.value.filter}');
    expect(String(at(bus.variable, 'cloud_run_services', 'type'))).not.toMatch(/\buri\b/);
    // Dead letters of dead letters would loop: the archive has no dead-letter policy, by design.
    expect(has(resource(bus, 'google_pubsub_subscription', 'archive'), 'dead_letter_policy')).toBe(
      false,
    );
  });

  it("keeps archived dead letters 31 days, Pub/Sub's maximum", () => {
    const archive = resource(bus, 'google_pubsub_subscription', 'archive');
    expect(archive.message_retention_duration).toBe('${var.archive_retention_seconds}s');
    expect(at(bus.variable, 'archive_retention_seconds', 'default')).toBe(2_678_400);
    expect(String(at(bus.variable, 'archive_retention_seconds', 'description'))).toMatch(
      /2678400 = 31 days/,
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

  it('grants the Pub/Sub service agent publisher on dead-letter topics and subscriber on subscriptions', () => {
    expect(bus.locals.pubsub_service_agent).toBe(
      'serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com',
    );
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
