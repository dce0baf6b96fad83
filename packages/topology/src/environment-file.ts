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

export interface EndpointFile extends Timings {
  service: string;
  baseUrl?: string;
  basePath?: string;
  audience?: string;
}

/** The committed `settings/<env>.json`; `{project}`, `{projectNumber}`, `{region}`, `{service}` are filled in. */
export interface EnvironmentFile {
  pushAuth: 'off' | 'oidc';
  pushServiceAccount?: string;
  serviceUrl?: string;
  region?: string;
  defaults?: Timings;
  replay: EndpointFile;
  consumers: Record<ConsumerName, EndpointFile>;
}

export const environmentFileUrl = (env: EnvironmentName): URL =>
  new URL(`../settings/${env}.json`, import.meta.url);

export function readEnvironmentFile(env: EnvironmentName): EnvironmentFile {
  const text = readFileSync(environmentFileUrl(env), 'utf8');
  return parseEnvironmentFile(JSON.parse(text) as unknown, `settings/${env}.json`);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseEndpoint(value: unknown, path: string, issues: string[]): EndpointFile {
  if (!isRecord(value) || typeof value.service !== 'string' || value.service === '') {
    issues.push(`${path}.service must be a non-empty string`);
    return { service: '' };
  }
  for (const field of ['baseUrl', 'basePath', 'audience'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') {
      issues.push(`${path}.${field} must be a string`);
    }
  }
  if (
    typeof value.basePath === 'string' &&
    value.basePath !== '' &&
    !/^\/[^?#]*[^/]$/.test(value.basePath)
  ) {
    issues.push(`${path}.basePath must start with / and not end with /`);
  }
  parseTimings(value, path, issues);
  return value as unknown as EndpointFile;
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
