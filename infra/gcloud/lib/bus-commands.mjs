#!/usr/bin/env node
// Plans the gcloud commands that make a project hold the bus described by a bus.auto.tfvars.json.
// Input: that file plus `gcloud pubsub topics|subscriptions list --format=json` output.
// Output: one shell-quoted gcloud argument list per line (without "gcloud"); notes go to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    tfvars: { type: 'string' },
    topics: { type: 'string' },
    subscriptions: { type: 'string' },
    project: { type: 'string' },
    'service-urls': { type: 'string' },
    'service-url-template': { type: 'string' },
    'audience-template': { type: 'string' },
    'archive-retention-seconds': { type: 'string', default: '2678400' },
    'push-service-account': { type: 'string' },
    'no-push-auth': { type: 'boolean', default: false },
  },
});
for (const name of ['tfvars', 'topics', 'subscriptions', 'project']) {
  if (!args[name]) fail(`--${name} is required`);
}

function fail(message) {
  process.stderr.write(`bus-commands: ${message}\n`);
  process.exit(1);
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const bus = readJson(args.tfvars);
const short = (name) => String(name ?? '').replace(/^projects\/[^/]+\/\w+\//, '');
const existingTopics = new Set(readJson(args.topics).map((topic) => short(topic.name)));
const existingSubscriptions = new Map(readJson(args.subscriptions).map((s) => [short(s.name), s]));

const serviceUrls = args['service-urls'] ? readJson(args['service-urls']) : {};
function serviceUrl(service) {
  const url =
    serviceUrls[service] ?? args['service-url-template']?.replaceAll('{service}', service);
  if (!url) fail(`no URL for service ${service}: pass --service-urls or --service-url-template`);
  return url.replace(/\/+$/, '');
}
// On a project the token audience is always Cloud Run's deterministic URL, which is what
// deploy-services.sh and Terraform set as PUSH_AUDIENCE, whatever base URL the endpoint uses.
const audienceOf = (service) =>
  args['audience-template']?.replaceAll('{service}', service) ?? serviceUrl(service);

// Archive subscriptions keep unacknowledged dead letters this long (Terraform's
// dead_letter_retention_days in seconds; default 31 days, Pub/Sub's maximum).
const archiveRetention = `${args['archive-retention-seconds']}s`;
if (!/^\d+s$/.test(archiveRetention))
  fail('--archive-retention-seconds must be a number of seconds');

// Single quotes keep every character literal; a quote itself is closed, escaped and reopened.
const quote = (word) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
const print = (words) => process.stdout.write(`${words.map(quote).join(' ')}\n`);

/** The settings of one subscription as gcloud flags, and as the list output reports them. */
function desiredOf(row, kind) {
  const base = serviceUrl(row.service);
  const pushAuth = args['no-push-auth']
    ? undefined
    : { serviceAccountEmail: args['push-service-account'], audience: audienceOf(row.service) };
  if (pushAuth && !pushAuth.serviceAccountEmail)
    fail('--push-service-account is required with push auth');
  return {
    name: row.name,
    topic: row.topic,
    endpoint: `${base}${row.push_path}`,
    pushAuth,
    ack: row.ack_deadline_seconds,
    minBackoff: `${row.minimum_backoff_seconds}s`,
    maxBackoff: `${row.maximum_backoff_seconds}s`,
    filter: kind === 'consumer' ? row.filter : '',
    deadLetter:
      kind === 'consumer'
        ? { topic: row.dead_letter_topic, attempts: row.max_delivery_attempts }
        : undefined,
    // Only archives set it; consumer subscriptions keep Pub/Sub's default (7 days).
    retention: kind === 'archive' ? archiveRetention : undefined,
  };
}

const pushFlags = (d) => [
  `--push-endpoint=${d.endpoint}`,
  ...(d.pushAuth
    ? [
        `--push-auth-service-account=${d.pushAuth.serviceAccountEmail}`,
        `--push-auth-token-audience=${d.pushAuth.audience}`,
      ]
    : []),
];
const settingFlags = (d) => [
  `--ack-deadline=${d.ack}`,
  `--min-retry-delay=${d.minBackoff}`,
  `--max-retry-delay=${d.maxBackoff}`,
  // Subscriptions expire after 31 idle days by default; an expired archive drops dead letters.
  '--expiration-period=never',
  ...(d.retention ? [`--message-retention-duration=${d.retention}`] : []),
  ...(d.deadLetter
    ? [
        `--dead-letter-topic=${d.deadLetter.topic}`,
        `--max-delivery-attempts=${d.deadLetter.attempts}`,
      ]
    : []),
];

/** Field name -> [actual, desired], for the fields that differ. */
function differences(d, actual) {
  const oidc = actual.pushConfig?.oidcToken;
  const dlp = actual.deadLetterPolicy;
  const pairs = {
    topic: [short(actual.topic), d.topic],
    filter: [actual.filter ?? '', d.filter],
    pushEndpoint: [actual.pushConfig?.pushEndpoint ?? '', d.endpoint],
    pushAuth: [
      oidc ? `${oidc.serviceAccountEmail} ${oidc.audience}` : 'none',
      d.pushAuth ? `${d.pushAuth.serviceAccountEmail} ${d.pushAuth.audience}` : 'none',
    ],
    ackDeadline: [String(actual.ackDeadlineSeconds ?? 10), String(d.ack)],
    retryPolicy: [
      `${actual.retryPolicy?.minimumBackoff}..${actual.retryPolicy?.maximumBackoff}`,
      `${d.minBackoff}..${d.maxBackoff}`,
    ],
    deadLetterPolicy: [
      dlp ? `${short(dlp.deadLetterTopic)} ${dlp.maxDeliveryAttempts}` : 'none',
      d.deadLetter ? `${d.deadLetter.topic} ${d.deadLetter.attempts}` : 'none',
    ],
    expirationPolicy: [
      actual.expirationPolicy && !actual.expirationPolicy.ttl ? 'never' : 'default',
      'never',
    ],
    ...(d.retention
      ? { messageRetention: [actual.messageRetentionDuration ?? '604800s', d.retention] }
      : {}),
  };
  return Object.entries(pairs).filter(([, [was, wanted]]) => was !== wanted);
}

const project = `--project=${args.project}`;
const missingTopics = [...bus.topics, ...bus.dead_letter_topics]
  .map((t) => t.name)
  .filter((n) => !existingTopics.has(n));
// One call creates every missing topic; dead-letter topics exist before any subscription names them.
if (missingTopics.length > 0) print(['pubsub', 'topics', 'create', ...missingTopics, project]);

const counts = { create: 0, update: 0, drift: 0 };
const rows = [
  ...bus.subscriptions.map((row) => desiredOf(row, 'consumer')),
  ...bus.archive_subscriptions.map((row) => desiredOf(row, 'archive')),
];
for (const d of rows) {
  const actual = existingSubscriptions.get(d.name);
  if (actual === undefined) {
    counts.create++;
    const filter = d.filter ? [`--message-filter=${d.filter}`] : [];
    print([
      'pubsub',
      'subscriptions',
      'create',
      d.name,
      `--topic=${d.topic}`,
      ...pushFlags(d),
      ...settingFlags(d),
      ...filter,
      project,
    ]);
    continue;
  }
  const diff = differences(d, actual);
  if (diff.length === 0) continue;
  const stuck = diff.filter(([field]) => field === 'topic' || field === 'filter');
  const lines = diff
    .map(([field, [was, wanted]]) => `    ${field}: ${was} -> ${wanted}`)
    .join('\n');
  if (stuck.length > 0) {
    counts.drift++;
    process.stderr.write(
      `! ${d.name}: Pub/Sub cannot change ${stuck.map(([f]) => f).join(', ')} in place; ` +
        `delete it (gcloud pubsub subscriptions delete ${d.name}) and rerun to recreate it; ` +
        `its backlog (every unacknowledged message) is lost, so let it drain first\n${lines}\n`,
    );
    continue;
  }
  counts.update++;
  process.stderr.write(`~ ${d.name}\n${lines}\n`);
  print([
    'pubsub',
    'subscriptions',
    'update',
    d.name,
    ...pushFlags(d),
    ...settingFlags(d),
    project,
  ]);
}
process.stderr.write(
  `bus: ${missingTopics.length} topics to create, ${counts.create} subscriptions to create, ` +
    `${counts.update} to update, ${counts.drift} drifted\n`,
);
