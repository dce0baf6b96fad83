// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_DEFAULTS } from '../src/index';
import {
  at,
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
      'modules/cloud-run-service',
      'modules/event-bus',
      'modules/firestore',
      'modules/platform',
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

  it('sets TTL policies on idempotency_records.expire_at and outbox.expire_at', () => {
    const firestore = dir('modules/firestore');
    expect(resource(firestore, 'google_firestore_database', 'this').type).toBe('FIRESTORE_NATIVE');
    const ttl = resource(firestore, 'google_firestore_field', 'ttl');
    expect(ttl).toMatchObject({
      for_each: '${toset(var.ttl_collections)}',
      field: '${var.ttl_field}',
    });
    expect(ttl.ttl_config).toEqual([{}]);
    expect(at(firestore.variable, 'ttl_collections', 'default')).toEqual([
      'idempotency_records',
      'outbox',
    ]);
    expect(at(firestore.variable, 'ttl_field', 'default')).toBe('expire_at');
    expect(at(dir('modules/platform').module, 'firestore', 'source')).toBe('../firestore');
  });
});
