// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Terraform expressions, not templates.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BusTfvars, TERRAFORM_ENVIRONMENTS, tfvarsFileUrl } from '../src/index';
import { at, type Hcl, parseTerraform, type TerraformDir, terraformDir } from './support/terraform';

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
});
