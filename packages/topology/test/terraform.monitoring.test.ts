// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BusTfvars,
  deriveBus,
  readEnvironmentFile,
  resolveEnvironment,
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

const busTfvars = (env: 'dev' | 'prod') =>
  JSON.parse(readFileSync(tfvarsFileUrl(env), 'utf8')) as BusTfvars;

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

beforeAll(async () => {
  dirs = await parseTerraform();
});

/**
 * The keys a `for_each` over `{ for s in var.<list> : s.name => ... }` (merged) takes, given the
 * lists it is fed: parses the comprehensions of the local, so a filter or a missing list shows.
 */
function keysOf(expression: string, inputs: Record<string, { name: string }[]>): string[] {
  const lists = [...expression.matchAll(/\{ for (\w+) in var\.(\w+) : \1\.name => /g)].map(
    (match) => match[2] as string,
  );
  expect(expression, 'a comprehension without a filter').not.toMatch(/ if /);
  return lists.flatMap((list) => (inputs[list] ?? []).map((item) => item.name));
}

describe.each(TERRAFORM_ENVIRONMENTS)('alerts of the %s bus', (env) => {
  const bus = busTfvars(env);
  // The bus as deriveBus makes it from the catalog, checked against the committed file too.
  const derived = deriveBus(resolveEnvironment(readEnvironmentFile(env)).settings);

  it('are fed the whole generated bus: every dead-letter topic and subscription', () => {
    expect(bus.dead_letter_topics.map((t) => t.name)).toEqual(
      derived.deadLetterTopics.map((t) => t.name),
    );
    const platform = dir('modules/platform');
    expect(at(platform.module, 'monitoring')).toMatchObject({
      source: '../monitoring',
      dead_letter_topics: '${var.dead_letter_topics}',
      subscriptions: '${var.subscriptions}',
      archive_subscriptions: '${var.archive_subscriptions}',
      notification_channels: '${var.alert_notification_channels}',
    });
    const root = dir(`environments/${env}`);
    for (const key of ['dead_letter_topics', 'subscriptions', 'archive_subscriptions'])
      expect(at(root.module, 'platform', key)).toBe(`\${var.${key}}`);
  });

  it('have a dead-letter inflow policy for every dead-letter topic', () => {
    const monitoring = dir('modules/monitoring');
    const policy = resource(monitoring, 'google_monitoring_alert_policy', 'dead_letter_inflow');
    expect(policy.for_each).toBe('${local.dead_letter_topics}');
    const keys = keysOf(String(monitoring.locals.dead_letter_topics), {
      dead_letter_topics: bus.dead_letter_topics,
    });
    expect(keys.sort()).toEqual(derived.deadLetterTopics.map((t) => t.name).sort());
    const condition = at(policy, 'conditions', 'condition_threshold') as Hcl[];
    expect(at(condition, 'filter')).toBe(
      'resource.type = "pubsub_topic" AND resource.labels.topic_id = "${each.key}" AND metric.type = "pubsub.googleapis.com/topic/send_message_operation_count"',
    );
    expect(at(condition, 'comparison')).toBe('COMPARISON_GT');
    expect(policy.notification_channels).toBe('${var.notification_channels}');
  });

  it('have an oldest-unacked-age and a push-error-ratio policy for every subscription, archives included', () => {
    const monitoring = dir('modules/monitoring');
    const keys = keysOf(String(monitoring.locals.subscriptions), {
      subscriptions: bus.subscriptions,
      archive_subscriptions: bus.archive_subscriptions,
    });
    const expected = [...derived.subscriptions, ...derived.archiveSubscriptions].map((s) => s.name);
    expect(keys.sort()).toEqual(expected.sort());
    expect(new Set(keys).size).toBe(keys.length);

    const age = resource(monitoring, 'google_monitoring_alert_policy', 'oldest_unacked_age');
    expect(age.for_each).toBe('${local.subscriptions}');
    expect(at(age, 'conditions', 'condition_threshold', 'filter')).toBe(
      'resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "${each.key}" AND metric.type = "pubsub.googleapis.com/subscription/oldest_unacked_message_age"',
    );
    expect(at(age, 'conditions', 'condition_threshold', 'threshold_value')).toBe(
      '${var.oldest_unacked_age_threshold_seconds}',
    );

    const errors = resource(monitoring, 'google_monitoring_alert_policy', 'push_error_ratio');
    expect(errors.for_each).toBe('${local.subscriptions}');
    const threshold = at(errors, 'conditions', 'condition_threshold') as Hcl[];
    // A ratio: pushes answered with anything but ack, over all pushes of the subscription.
    expect(String(at(threshold, 'filter'))).toContain('metric.labels.response_class != "ack"');
    expect(String(at(threshold, 'denominator_filter'))).toBe(
      'resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "${each.key}" AND metric.type = "pubsub.googleapis.com/subscription/push_request_count"',
    );
    expect(at(threshold, 'threshold_value')).toBe('${var.push_error_ratio_threshold}');
    expect(at(dir('modules/monitoring').variable, 'push_error_ratio_threshold', 'default')).toBe(
      0.05,
    );
  });
});

describe('outbox entries older than a threshold', () => {
  it('are counted by a log-based metric on the sweep line eventing logs at WARNING when some failed', () => {
    const monitoring = dir('modules/monitoring');
    expect(monitoring.locals.outbox_sweep_message).toBe('outbox sweep re-drove stranded events');
    // The runtime's own words (packages/eventing/src/service/service.ts).
    const runtime = readFileSync(
      new URL('../../eventing/src/service/service.ts', import.meta.url),
      'utf8',
    );
    expect(runtime).toContain(
      "log[result.failed > 0 ? 'warn' : 'info'](result, 'outbox sweep re-drove stranded events')",
    );
    const metric = resource(monitoring, 'google_logging_metric', 'outbox_sweep_failed');
    // An unevaluated join(" AND ", [...]): its parts, quotes escaped as in the HCL source.
    const filter = String(metric.filter).replace(/\\"/g, '"');
    expect(filter).toMatch(/^\$\{join\(" AND ", \[/);
    for (const part of [
      '"resource.type="cloud_run_revision""',
      '"severity="WARNING""',
      '"jsonPayload.message="${local.outbox_sweep_message}""',
      '"jsonPayload.failed>0"',
    ])
      expect(filter).toContain(part);
    expect(at(metric, 'metric_descriptor', 'metric_kind')).toBe('DELTA');
    expect(metric.label_extractors).toEqual({ service: 'EXTRACT(resource.labels.service_name)' });
  });

  it('alert when every sweep failed for the threshold: what they left has waited that long', () => {
    const monitoring = dir('modules/monitoring');
    const policy = resource(monitoring, 'google_monitoring_alert_policy', 'outbox_stranded');
    const threshold = at(policy, 'conditions', 'condition_threshold') as Hcl[];
    expect(at(threshold, 'filter')).toBe(
      'resource.type = "cloud_run_revision" AND metric.type = "${local.outbox_metric}"',
    );
    expect(at(threshold, 'duration')).toBe('${var.outbox_stranded_threshold_seconds}s');
    expect(at(threshold, 'aggregations', 'alignment_period')).toBe('60s');
    expect(monitoring.locals.outbox_metric).toBe(
      'logging.googleapis.com/user/${google_logging_metric.outbox_sweep_failed.name}',
    );
  });
});

describe('the bus dashboard', () => {
  it('charts publishes, dead letters, unacked age and backlog, push responses and the outbox', () => {
    const monitoring = dir('modules/monitoring');
    expect(resource(monitoring, 'google_monitoring_dashboard', 'bus').project).toBe(
      '${var.project_id}',
    );
    const charts = String(monitoring.locals.chart);
    for (const metric of [
      'pubsub.googleapis.com/topic/send_message_operation_count',
      'pubsub.googleapis.com/subscription/oldest_unacked_message_age',
      'pubsub.googleapis.com/subscription/num_undelivered_messages',
      'pubsub.googleapis.com/subscription/push_request_count',
      '${local.outbox_metric}',
    ])
      expect(charts, metric).toContain(metric);
    const titles = monitoring.locals.chart_titles as string[];
    expect(titles).toHaveLength(6);
    for (const title of titles) expect(charts, title).toContain(`title = "${title}"`);
  });
});
