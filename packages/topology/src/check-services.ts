import { CONSUMERS, catalog, EVENT_TYPES } from '@gpuaas/contracts';
import { type ProducingRow, producedEventTypes } from './publish-grants';
import {
  RETENTION_DAYS,
  type RetentionDays,
  SERVICES,
  type ServiceDefinition,
  TASK_DEFAULTS,
} from './services/table';
import { CLOUD_RUN_REQUEST_TIMEOUT_SECONDS } from './settings';
import type { SettingsIssue } from './timeouts';
import { TopologyError } from './topology-error';

/** Push authentication is the platform's: no service's env may set these (turning it off, say). */
export const RESERVED_ENV_KEYS = ['PUSH_AUTH', 'PUSH_AUDIENCE', 'PUSH_SERVICE_ACCOUNT'] as const;

/** Operator access is the platform's too: set from `operator_emails` on every `operatorApi` service. */
export const OPERATOR_ENV_KEYS = ['OPERATOR_ALLOW_LIST', 'OPERATOR_AUDIENCE'] as const;

/** Cloud Scheduler's attempt deadline for HTTP targets starts at 15 s. */
const MIN_ATTEMPT_DEADLINE_SECONDS = 15;
const MAX_TASK_RETRIES = 5;

/** The emulators' ports under `pnpm dev` (DESIGN.md). */
export const EMULATOR_PORTS = [8085, 8086] as const;

/** Pub/Sub keeps unacknowledged messages at most 31 days. */
const MAX_DEAD_LETTER_RETENTION_DAYS = 31;

/** Pub/Sub's, Cloud Run's and our rules on the retention figures; [] when they hold. */
export function checkRetention(retention: RetentionDays): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const { idempotency, deadLetter, replayWindow } = retention;
  for (const [field, days] of Object.entries(retention)) {
    if (!(Number.isInteger(days) && days > 0))
      issues.push({ path: `retention.${field}`, message: `${days} must be a positive integer` });
  }
  if (deadLetter > MAX_DEAD_LETTER_RETENTION_DAYS) {
    issues.push({
      path: 'retention.deadLetter',
      message: `${deadLetter} days is above Pub/Sub's maximum message retention (${MAX_DEAD_LETTER_RETENTION_DAYS} days)`,
    });
  }
  if (!(idempotency > deadLetter + replayWindow)) {
    // A dedupe record gone before its dead letter is replayed lets the replay apply twice.
    issues.push({
      path: 'retention.idempotency',
      message: `dedupe records (${idempotency} days) must outlive the dead-letter archive (${deadLetter} days) plus the longest replay window (${replayWindow} days)`,
    });
  }
  return issues;
}

/** Checks a services table against the catalog and the platform's rules; [] when all hold. */
export function checkServices(
  services: Readonly<Record<string, ServiceDefinition>> = SERVICES,
  rows: readonly ProducingRow[] = EVENT_TYPES.map((eventType) => catalog[eventType]),
): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const entries = Object.entries(services);
  // Publish rights are derived from who produces what: every producer of the catalog has one home.
  for (const producer of new Set(rows.map((row) => row.producer))) {
    const homes = entries.filter(([, s]) => s.producers.includes(producer)).map(([name]) => name);
    if (homes.length !== 1) {
      issues.push({
        path: `producers.${producer}`,
        message: `must be published as by exactly one service, not ${homes.length} (${homes.join(', ')})`,
      });
    }
  }
  for (const consumer of CONSUMERS) {
    const hosts = entries.filter(([, s]) => consumer in s.consumers).map(([name]) => name);
    if (hosts.length !== 1) {
      issues.push({
        path: `consumers.${consumer}`,
        message: `must be hosted by exactly one service, not ${hosts.length} (${hosts.join(', ')})`,
      });
    }
  }
  const archives = entries.filter(([, s]) => s.deadLetterArchive === true).map(([name]) => name);
  if (archives.length !== 1) {
    issues.push({
      path: 'deadLetterArchive',
      message: `exactly one service must host the dead-letter archive, not ${archives.length}`,
    });
  }
  const ports = new Map<number, string>();
  for (const [name, service] of entries) {
    const path = `services.${name}`;
    // Also the runtime service account id: 6-30 characters.
    if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(name))
      issues.push({ path, message: 'name must be 6-30 lowercase letters, digits or dashes' });
    for (const [consumer, basePath] of Object.entries(service.consumers)) {
      if (basePath !== '' && !/^\/[^?#]*[^/]$/.test(basePath))
        issues.push({
          path: `${path}.consumers.${consumer}`,
          message: `base path ${basePath} must be '' or start with / and not end with /`,
        });
    }
    const { localPort } = service;
    if (!Number.isInteger(localPort) || localPort < 1024 || localPort > 65535)
      issues.push({ path: `${path}.localPort`, message: `${localPort} is not a port from 1024` });
    if ((EMULATOR_PORTS as readonly number[]).includes(localPort))
      issues.push({ path: `${path}.localPort`, message: `${localPort} is an emulator's port` });
    const other = ports.get(localPort);
    if (other !== undefined)
      issues.push({ path: `${path}.localPort`, message: `${localPort} is ${other}'s port too` });
    ports.set(localPort, name);

    const taskNames = service.tasks.map((task) => task.name);
    for (const task of service.tasks) {
      const at = `${path}.tasks.${task.name}`;
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(task.name))
        issues.push({ path: at, message: 'task name must be kebab-case' });
      if (taskNames.filter((n) => n === task.name).length > 1)
        issues.push({ path: at, message: 'task name is used twice' });
      if (task.schedule.trim().split(/\s+/).length !== 5)
        issues.push({ path: at, message: `schedule "${task.schedule}" must be a five-field cron` });
      const deadline = task.attemptDeadlineSeconds ?? TASK_DEFAULTS.attemptDeadlineSeconds;
      if (
        !(deadline >= MIN_ATTEMPT_DEADLINE_SECONDS && deadline <= CLOUD_RUN_REQUEST_TIMEOUT_SECONDS)
      )
        issues.push({
          path: `${at}.attemptDeadlineSeconds`,
          message: `${deadline} s must be from ${MIN_ATTEMPT_DEADLINE_SECONDS} s to the request timeout (${CLOUD_RUN_REQUEST_TIMEOUT_SECONDS} s)`,
        });
      const retries = task.retryCount ?? TASK_DEFAULTS.retryCount;
      if (!(Number.isInteger(retries) && retries >= 0 && retries <= MAX_TASK_RETRIES))
        issues.push({
          path: `${at}.retryCount`,
          message: `${retries} must be 0-${MAX_TASK_RETRIES}`,
        });
      const min = task.minBackoffSeconds ?? TASK_DEFAULTS.minBackoffSeconds;
      const max = task.maxBackoffSeconds ?? TASK_DEFAULTS.maxBackoffSeconds;
      if (!(min >= 0 && min <= max))
        issues.push({ path: `${at}.minBackoffSeconds`, message: `backoff ${min}..${max} s` });
    }
    // Producers commit events to the outbox; its sweep re-publishes what a failed publish left.
    const produces = producedEventTypes(name, services, rows).length > 0;
    if (produces !== taskNames.includes('outbox-sweep')) {
      issues.push({
        path: `${path}.tasks`,
        message: produces
          ? 'produces events, so it needs the outbox-sweep task'
          : 'produces no events in the catalog, so it has no outbox to sweep',
      });
    }
    for (const key of Object.keys(service.env ?? {})) {
      if ((RESERVED_ENV_KEYS as readonly string[]).includes(key))
        issues.push({
          path: `${path}.env.${key}`,
          message: 'push authentication is set by the platform, not per service',
        });
    }
    for (const key of Object.keys(service.env ?? {})) {
      if ((OPERATOR_ENV_KEYS as readonly string[]).includes(key))
        issues.push({
          path: `${path}.env.${key}`,
          message: 'operator access is set by the platform (operator_emails), not per service',
        });
      if (key in (service.secretEnv ?? {}))
        issues.push({ path: `${path}.env.${key}`, message: 'is a secret env variable too' });
    }
    if (service.edge !== undefined) {
      if (!(service.ingress === 'public' && service.allowUnauthenticated))
        issues.push({
          path: `${path}.edge`,
          message: 'only a public service anyone may call sits behind the edge',
        });
      const { requestsPerMinutePerIp: rate, maxRequestBodyBytes: bytes } = service.edge;
      if (!(Number.isInteger(rate) && rate > 0 && Number.isInteger(bytes) && bytes > 0))
        issues.push({ path: `${path}.edge`, message: 'limits must be positive integers' });
    }
    for (const [environment, size] of Object.entries(service.sizing)) {
      if (
        !(
          size.minInstances >= 0 &&
          size.maxInstances >= 1 &&
          size.minInstances <= size.maxInstances
        )
      )
        issues.push({
          path: `${path}.sizing.${environment}`,
          message: `instances ${size.minInstances}..${size.maxInstances} must satisfy 0 <= min <= max, max >= 1`,
        });
    }
  }
  return issues;
}

/** Throws a `services_invalid` TopologyError listing every issue of the table and retention. */
export function assertServices(
  services: Readonly<Record<string, ServiceDefinition>> = SERVICES,
  retention: RetentionDays = RETENTION_DAYS,
): void {
  const issues = [...checkServices(services), ...checkRetention(retention)];
  if (issues.length > 0) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw new TopologyError('services_invalid', lines.join('; '));
  }
}
