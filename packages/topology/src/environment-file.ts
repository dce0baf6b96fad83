import { readFileSync } from 'node:fs';
import { CONSUMERS, type ConsumerName } from '@gpuaas/contracts';
import { TopologyError } from './topology-error';

export const ENVIRONMENTS = ['local', 'dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export const isEnvironmentName = (name: string): name is EnvironmentName =>
  (ENVIRONMENTS as readonly string[]).includes(name);

export const TIMING_FIELDS = [
  'ackDeadlineSeconds',
  'minimumBackoffSeconds',
  'maximumBackoffSeconds',
  'maxDeliveryAttempts',
  'leaseSeconds',
  'requestTimeoutSeconds',
] as const;
export type Timings = Partial<Record<(typeof TIMING_FIELDS)[number], number>>;

/** Per-endpoint overrides; where a push app runs (service, base path) is the services table's. */
export interface EndpointFile extends Timings {
  baseUrl?: string;
  audience?: string;
}

/**
 * The committed `settings/<env>.json`. `serviceUrl` is a template of a service's URL:
 * `{service}`, `{localPort}` (from the services table), `{project}`, `{projectNumber}`, `{region}`.
 */
export interface EnvironmentFile {
  pushAuth: 'off' | 'oidc';
  pushServiceAccount?: string;
  serviceUrl?: string;
  region?: string;
  defaults?: Timings;
  /** The dead-letter archive endpoint (archive subscriptions). */
  replay?: EndpointFile;
  consumers?: Partial<Record<ConsumerName, EndpointFile>>;
}

export const environmentFileUrl = (env: EnvironmentName): URL =>
  new URL(`../settings/${env}.json`, import.meta.url);

export function readEnvironmentFile(env: EnvironmentName): EnvironmentFile {
  const text = readFileSync(environmentFileUrl(env), 'utf8');
  return parseEnvironmentFile(JSON.parse(text) as unknown, `settings/${env}.json`);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const TABLE_FIELDS = ['service', 'basePath'] as const;

function parseEndpoint(value: unknown, path: string, issues: string[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    issues.push(`${path} must be an object`);
    return;
  }
  for (const field of TABLE_FIELDS) {
    if (value[field] !== undefined) {
      issues.push(
        `${path}.${field} is not a setting: the services table (src/services/table.ts) places push apps`,
      );
    }
  }
  for (const field of ['baseUrl', 'audience'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') {
      issues.push(`${path}.${field} must be a string`);
    }
  }
  parseTimings(value, path, issues);
}

function parseTimings(value: Record<string, unknown>, path: string, issues: string[]): void {
  for (const field of TIMING_FIELDS) {
    const setting = value[field];
    if (setting !== undefined && (typeof setting !== 'number' || !Number.isInteger(setting))) {
      issues.push(`${path}.${field} must be an integer`);
    }
  }
}

/** Checks the shape of a settings file; throws a `settings_invalid` TopologyError listing every issue. */
export function parseEnvironmentFile(value: unknown, source: string): EnvironmentFile {
  const issues: string[] = [];
  if (!isRecord(value))
    throw new TopologyError('settings_invalid', `${source} must hold an object`);
  if (value.pushAuth !== 'off' && value.pushAuth !== 'oidc')
    issues.push('pushAuth must be "off" or "oidc"');
  if (value.pushAuth === 'oidc' && typeof value.pushServiceAccount !== 'string') {
    issues.push('pushServiceAccount is required when pushAuth is "oidc"');
  }
  for (const field of ['serviceUrl', 'region'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string')
      issues.push(`${field} must be a string`);
  }
  if (value.defaults !== undefined) {
    if (isRecord(value.defaults)) parseTimings(value.defaults, 'defaults', issues);
    else issues.push('defaults must be an object');
  }
  parseEndpoint(value.replay, 'replay', issues);
  if (value.consumers !== undefined && !isRecord(value.consumers))
    issues.push('consumers must be an object');
  const consumers = isRecord(value.consumers) ? value.consumers : {};
  for (const consumer of CONSUMERS)
    parseEndpoint(consumers[consumer], `consumers.${consumer}`, issues);
  for (const name of Object.keys(consumers)) {
    if (!(CONSUMERS as readonly string[]).includes(name))
      issues.push(`consumers.${name} is not a consumer`);
  }
  if (issues.length > 0)
    throw new TopologyError('settings_invalid', `${source}: ${issues.join('; ')}`);
  return value as unknown as EnvironmentFile;
}
