#!/usr/bin/env node
// Reads a services.auto.tfvars.json (generated from packages/topology/src/services/table.ts) for
// deploy-services.sh: one tab-separated line per service (`services`), per scheduler task
// (`tasks`) or per (service, topic) publish grant (`publishers`), or the env every service gets
// (`retention-env`). Refuses what the platform owns, and secrets without a pinned version.
import { readFileSync } from 'node:fs';

const [mode, file, secretVersionsArg = ''] = process.argv.slice(2);
const fail = (message) => {
  process.stderr.write(`error: ${file}: ${message}\n`);
  process.exit(1);
};
if (!mode || !file)
  fail(
    'usage: services-table.mjs services|tasks|publishers|retention-env FILE [SECRET=VERSION,...]',
  );

const data = JSON.parse(readFileSync(file, 'utf8'));
// Push authentication is the platform's; no service's env may turn it off or redirect it.
const RESERVED = ['PUSH_AUTH', 'PUSH_AUDIENCE', 'PUSH_SERVICE_ACCOUNT'];
const INGRESS = {
  INGRESS_TRAFFIC_ALL: 'all',
  INGRESS_TRAFFIC_INTERNAL_ONLY: 'internal',
  INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER: 'internal-and-cloud-load-balancing',
};
// One line per row, fields split on tabs.
const field = (what, value) => {
  const text = String(value);
  if (/[\t\n]/.test(text)) fail(`${what} must not contain a tab or newline`);
  return text;
};
// gcloud splits --set-env-vars and --set-secrets on commas.
const plain = (what, value) => {
  if (String(value).includes(',')) fail(`${what} must not contain a comma`);
  return field(what, value);
};

const services = Object.entries(data.services ?? {});
if (services.length === 0) fail('no services');

// Pinned versions (`stripe-webhook-secret=3,...`), as Terraform's secret_versions: never latest.
const secretVersions = new Map();
for (const pair of secretVersionsArg.split(',').filter(Boolean)) {
  const [secret, version] = pair.split('=');
  if (!secret || !/^[1-9][0-9]*$/.test(version ?? ''))
    fail(`--secret-versions ${pair}: each entry is <secret>=<version number> (latest is refused)`);
  secretVersions.set(secret, version);
}
const pinned = (secret) => {
  const version = secretVersions.get(secret);
  if (version === undefined)
    fail(`secret ${secret} has no pinned version: pass --secret-versions ${secret}=<number>`);
  return version;
};

if (mode === 'services') {
  for (const [name, s] of services) {
    const reserved = Object.keys(s.env ?? {}).filter((key) => RESERVED.includes(key));
    if (reserved.length > 0)
      fail(
        `services.${name}.env sets ${reserved.join(', ')}: push authentication is set by the platform, not per service`,
      );
    const ingress = INGRESS[s.ingress];
    if (!ingress) fail(`services.${name}.ingress ${s.ingress} is not a Cloud Run ingress`);
    const env = Object.entries(s.env ?? {}).map(
      ([k, v]) => `${plain(`env ${k}`, k)}=${plain(`env ${k}`, v)}`,
    );
    const secrets = Object.entries(s.secret_env ?? {}).map(
      ([k, v]) =>
        `${plain(`secret ${k}`, k)}=${plain(`secret ${k}`, v.secret)}:${pinned(v.secret)}`,
    );
    const fields = [
      name,
      ingress,
      s.allow_unauthenticated ? 'public' : 'private',
      s.min_instance_count,
      s.max_instance_count,
      s.cpu,
      s.memory,
      s.max_instance_request_concurrency,
      s.request_timeout_seconds,
      secrets.join(',') || '-',
      env.join(',') || '-',
      s.operator_api ? 'operators' : '-',
    ];
    console.log(fields.map((f) => field(`services.${name}`, f)).join('\t'));
  }
} else if (mode === 'tasks') {
  for (const [name, s] of services) {
    for (const t of s.tasks ?? []) {
      if (t.path !== `/tasks/${t.name}`)
        fail(`services.${name}.tasks.${t.name}: path must be /tasks/${t.name}`);
      console.log(
        [
          name,
          t.name,
          t.path,
          t.schedule,
          t.description ?? '',
          t.attempt_deadline_seconds ?? 60,
          t.retry_count ?? 1,
          t.min_backoff_seconds ?? 5,
          t.max_backoff_seconds ?? 30,
        ]
          .map((f) => field(`task ${t.name}`, f))
          .join('\t'),
      );
    }
  }
} else if (mode === 'publishers') {
  // The catalog's publish rights of each runtime account (generated publish_topics).
  for (const [name, s] of services) {
    for (const topic of s.publish_topics ?? [])
      console.log([name, field(`topic of ${name}`, topic)].join('\t'));
  }
} else if (mode === 'retention-env') {
  const days = {
    IDEMPOTENCY_RETENTION_DAYS: data.idempotency_retention_days,
    DEAD_LETTER_RETENTION_DAYS: data.dead_letter_retention_days,
    REPLAY_WINDOW_DAYS: data.replay_window_days,
  };
  for (const [key, value] of Object.entries(days))
    if (!Number.isInteger(value) || value < 1)
      fail(`${key} must be a positive whole number of days`);
  // The same rules as modules/platform: dedupe records outlive any replay of an archived dead letter.
  if (days.DEAD_LETTER_RETENTION_DAYS > 31)
    fail('dead_letter_retention_days must be at most 31 (Pub/Sub)');
  if (
    !(days.IDEMPOTENCY_RETENTION_DAYS > days.DEAD_LETTER_RETENTION_DAYS + days.REPLAY_WINDOW_DAYS)
  )
    fail('idempotency_retention_days must exceed dead_letter_retention_days + replay_window_days');
  console.log(
    Object.entries(days)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  );
} else {
  fail(`unknown mode ${mode}`);
}
