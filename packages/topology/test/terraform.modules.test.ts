// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESERVED_ENV_KEYS, RETENTION_DAYS, SUBSCRIPTION_DEFAULTS } from '../src/index';
import {
  at,
  type Hcl,
  parseTerraform,
  resource,
  TERRAFORM_DIR,
  type TerraformDir,
  terraformDir,
} from './support/terraform';

let dirs: Map<string, TerraformDir>;
const dir = (name: string): TerraformDir => terraformDir(dirs, name);

beforeAll(async () => {
  dirs = await parseTerraform();
});

describe('infra/terraform', () => {
  it('parses every .tf file, in the modules and environments we expect', () => {
    expect([...dirs.keys()].sort()).toEqual([
      'environments/dev',
      'environments/prod',
      'modules/ci-deployer',
      'modules/cloud-run-service',
      'modules/event-bus',
      'modules/firestore',
      'modules/monitoring',
      'modules/platform',
      'modules/public-edge',
    ]);
  });

  it('describes every variable and output', () => {
    for (const d of dirs.values()) {
      for (const [kind, blocks] of [
        ['variable', d.variable] as const,
        ['output', d.output] as const,
      ]) {
        for (const [name, block] of Object.entries(blocks)) {
          expect(
            String(block.description ?? '').length,
            `${d.dir} ${kind} ${name}`,
          ).toBeGreaterThan(10);
        }
      }
    }
  });

  it('documents every module input and output in its README tables', () => {
    for (const d of [...dirs.values()].filter((x) => x.dir.startsWith('modules/'))) {
      const readme = readFileSync(join(TERRAFORM_DIR, d.dir, 'README.md'), 'utf8');
      const [, inputs = '', outputs = ''] = readme.split(/^## (?:Inputs|Outputs)$/m);
      // A table row per name, whatever the column padding.
      const row = (name: string) => new RegExp(`^\\| \`${name}\` +\\|`, 'm');
      for (const name of Object.keys(d.variable)) {
        expect(inputs, `${d.dir} input ${name}`).toMatch(row(name));
      }
      for (const name of Object.keys(d.output)) {
        expect(outputs, `${d.dir} output ${name}`).toMatch(row(name));
      }
    }
  });
});

describe('modules/platform', () => {
  it('gives replay (archive subscriptions) ACK_DEADLINE_SECONDS and LEASE_SECONDS like consumers', () => {
    const { locals } = dir('modules/platform');
    const deliveries = String(locals.deliveries);
    expect(deliveries).toMatch(
      /for s in var\.subscriptions : \{ service = s\.service, ack = s\.ack_deadline_seconds, lease = s\.lease_seconds \}/,
    );
    expect(deliveries).toMatch(
      /for s in var\.archive_subscriptions : \{ service = s\.service, ack = s\.ack_deadline_seconds, lease = floor\(s\.ack_deadline_seconds \/ 2\) \}/,
    );
    expect(locals.ack_deadlines_seconds).toBe(
      '${{ for d in local.deliveries : d.service => d.ack... }}',
    );
    expect(locals.leases_seconds).toBe(
      '${{ for d in local.deliveries : d.service => d.lease... }}',
    );
    expect(String(locals.consumer_env)).toMatch(
      /for service, acks in local\.ack_deadlines_seconds/,
    );
  });
});

describe('retention: dedupe records outlive the dead-letter archive plus the longest replay window', () => {
  it('has the three variables, defaulting to the figures of the services table', () => {
    const { variable } = dir('modules/platform');
    expect(at(variable, 'idempotency_retention_days', 'default')).toBe(RETENTION_DAYS.idempotency);
    expect(at(variable, 'dead_letter_retention_days', 'default')).toBe(RETENTION_DAYS.deadLetter);
    expect(at(variable, 'replay_window_days', 'default')).toBe(RETENTION_DAYS.replayWindow);
    expect([45, 31, 7]).toEqual([
      RETENTION_DAYS.idempotency,
      RETENTION_DAYS.deadLetter,
      RETENTION_DAYS.replayWindow,
    ]);
  });

  it('validates idempotency_retention_days > dead_letter_retention_days + replay_window_days', () => {
    const { variable } = dir('modules/platform');
    expect(at(variable, 'idempotency_retention_days', 'validation', 'condition')).toBe(
      '${var.idempotency_retention_days > var.dead_letter_retention_days + var.replay_window_days}',
    );
    expect(at(variable, 'dead_letter_retention_days', 'validation', 'condition')).toBe(
      '${var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 31}',
    );
    // A validation naming other variables needs Terraform 1.9.
    for (const d of ['modules/platform', 'environments/dev', 'environments/prod']) {
      expect(at(dir(d).terraform, 'required_version'), d).toBe('>= 1.9');
    }
  });

  it('passes the three figures as env to every Cloud Run service, over anything in env', () => {
    const platform = dir('modules/platform');
    expect(platform.locals.retention_env).toEqual({
      IDEMPOTENCY_RETENTION_DAYS: '${tostring(var.idempotency_retention_days)}',
      DEAD_LETTER_RETENTION_DAYS: '${tostring(var.dead_letter_retention_days)}',
      REPLAY_WINDOW_DAYS: '${tostring(var.replay_window_days)}',
    });
    expect(at(platform.module, 'service', 'for_each')).toBe('${local.services}');
    expect(platform.locals.services).toBe(
      '${{ for name, s in var.services : name => s if local.deploy }}',
    );
    expect(at(platform.module, 'service', 'env')).toBe(
      '${merge(each.value.env, lookup(local.consumer_env, each.key, {}), local.retention_env)}',
    );
  });
});

describe('push authentication cannot be turned off through env', () => {
  const refusesPushKeys = (validations: Hcl[], subject: string) => {
    const conditions = validations.map((v) => String(v.condition));
    const refusal = conditions.find((c) => c.includes('"PUSH_AUTH"'));
    expect(refusal, `${subject} refuses PUSH_AUTH`).toBeDefined();
    for (const key of RESERVED_ENV_KEYS) expect(refusal).toContain(`"${key}"`);
    expect(refusal).toMatch(/length\(setintersection\(keys\((var|s)\.env\), \[.*\]\)\) == 0/);
  };

  it('is refused in the services map of modules/platform', () => {
    const services = dir('modules/platform').variable.services as Hcl;
    refusesPushKeys(services.validation as Hcl[], 'modules/platform services');
    expect(String(services.validation && (services.validation as Hcl[])[0]?.condition)).toMatch(
      /for s in var\.services/,
    );
  });

  it('is refused in the env of modules/cloud-run-service, whose push settings also win the merge', () => {
    const run = dir('modules/cloud-run-service');
    refusesPushKeys(at(run.variable, 'env', 'validation') as Hcl[], 'cloud-run-service env');
    expect(run.locals.env).toBe(
      '${merge(var.env, { GOOGLE_CLOUD_PROJECT = var.project_id }, local.operator_env, local.push_env)}',
    );
  });
});

describe('modules/cloud-run-service and modules/firestore', () => {
  it('runs a google_cloud_run_v2_service with the request timeout, scaling, concurrency and ingress', () => {
    const run = dir('modules/cloud-run-service');
    const service = resource(run, 'google_cloud_run_v2_service', 'this');
    expect(service.ingress).toBe('${var.ingress}');
    expect(at(service, 'template', 'timeout')).toBe('${var.request_timeout_seconds}s');
    expect(at(service, 'template', 'service_account')).toBe(
      '${google_service_account.runtime.email}',
    );
    expect(at(service, 'template', 'max_instance_request_concurrency')).toBe(
      '${var.max_instance_request_concurrency}',
    );
    expect(at(service, 'template', 'scaling', 'min_instance_count')).toBe(
      '${var.min_instance_count}',
    );
    expect(at(service, 'template', 'containers', 'image')).toBe('${var.image}');
    expect(at(run.variable, 'request_timeout_seconds', 'default')).toBe(
      SUBSCRIPTION_DEFAULTS.requestTimeoutSeconds,
    );
  });

  it('sets TTL policies on expire_at of every collection the runtime expires, and takes more', () => {
    const firestore = dir('modules/firestore');
    expect(resource(firestore, 'google_firestore_database', 'this').type).toBe('FIRESTORE_NATIVE');
    const ttl = resource(firestore, 'google_firestore_field', 'ttl');
    expect(ttl).toMatchObject({ for_each: '${local.ttl_collections}', field: '${var.ttl_field}' });
    expect(firestore.locals.ttl_collections).toBe(
      '${toset(concat(var.ttl_collections, var.extra_ttl_collections))}',
    );
    expect(ttl.ttl_config).toEqual([{}]);
    // Dedupe records and outbox (packages/eventing), Idempotency-Key answers (packages/http-api).
    expect(at(firestore.variable, 'ttl_collections', 'default')).toEqual([
      'idempotency_records',
      'outbox',
      'idempotency_keys',
    ]);
    expect(at(firestore.variable, 'extra_ttl_collections', 'default')).toEqual([]);
    expect(at(dir('modules/platform').module, 'firestore', 'extra_ttl_collections')).toBe(
      '${var.firestore_extra_ttl_collections}',
    );
    expect(at(firestore.variable, 'ttl_field', 'default')).toBe('expire_at');
    expect(at(dir('modules/platform').module, 'firestore', 'source')).toBe('../firestore');
  });

  it('declares the outbox sweep index (producer, due_at) the eventing runtime queries', () => {
    const firestore = dir('modules/firestore');
    expect(resource(firestore, 'google_firestore_index', 'composite').collection).toBe(
      '${each.value.collection}',
    );
    expect(at(firestore.variable, 'composite_indexes', 'default')).toEqual(
      expect.arrayContaining([
        {
          name: 'outbox-producer-due',
          collection: 'outbox',
          fields: [
            { field_path: 'producer', order: 'ASCENDING' },
            { field_path: 'due_at', order: 'ASCENDING' },
          ],
        },
      ]),
    );
  });
});
