import type { Bus } from './bus';
import { deriveBus } from './derive-bus';
import { type EnvironmentName, readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';

/** Environments with Terraform (local runs on the emulator only). */
export const TERRAFORM_ENVIRONMENTS = ['dev', 'prod'] as const satisfies readonly EnvironmentName[];
export type TerraformEnvironment = (typeof TERRAFORM_ENVIRONMENTS)[number];

/** `infra/terraform/environments/<env>/bus.auto.tfvars.json`, the input of modules/event-bus. */
export interface BusTfvars {
  topics: { name: string }[];
  dead_letter_topics: { name: string; consumer: string }[];
  subscriptions: {
    name: string;
    topic: string;
    consumer: string;
    service: string;
    push_path: string;
    filter: string;
    dead_letter_topic: string;
    max_delivery_attempts: number;
    ack_deadline_seconds: number;
    minimum_backoff_seconds: number;
    maximum_backoff_seconds: number;
    lease_seconds: number;
  }[];
  archive_subscriptions: {
    name: string;
    topic: string;
    consumer: string;
    service: string;
    push_path: string;
    ack_deadline_seconds: number;
    minimum_backoff_seconds: number;
    maximum_backoff_seconds: number;
  }[];
}

/** The Terraform variables of a bus; URLs and push auth are Terraform's to resolve. */
export function toTfvars(bus: Bus): BusTfvars {
  return {
    topics: bus.topics.map(({ name }) => ({ name })),
    dead_letter_topics: bus.deadLetterTopics.map(({ name, consumer }) => ({ name, consumer })),
    subscriptions: bus.subscriptions.map((s) => ({
      name: s.name,
      topic: s.topic,
      consumer: s.consumer,
      service: s.service,
      push_path: s.servicePath,
      filter: s.filter,
      dead_letter_topic: s.deadLetterPolicy.deadLetterTopic,
      max_delivery_attempts: s.deadLetterPolicy.maxDeliveryAttempts,
      ack_deadline_seconds: s.ackDeadlineSeconds,
      minimum_backoff_seconds: s.retryPolicy.minimumBackoffSeconds,
      maximum_backoff_seconds: s.retryPolicy.maximumBackoffSeconds,
      lease_seconds: s.leaseSeconds,
    })),
    archive_subscriptions: bus.archiveSubscriptions.map((s) => ({
      name: s.name,
      topic: s.topic,
      consumer: s.consumer,
      service: s.service,
      push_path: s.servicePath,
      ack_deadline_seconds: s.ackDeadlineSeconds,
      minimum_backoff_seconds: s.retryPolicy.minimumBackoffSeconds,
      maximum_backoff_seconds: s.retryPolicy.maximumBackoffSeconds,
    })),
  };
}

export const tfvarsFileUrl = (env: TerraformEnvironment): URL =>
  new URL(`../../../infra/terraform/environments/${env}/bus.auto.tfvars.json`, import.meta.url);

/** The file content `generate` writes for an environment (from catalog + `settings/<env>.json`). */
export function renderTfvars(env: TerraformEnvironment): string {
  const { settings } = resolveEnvironment(readEnvironmentFile(env));
  return `${JSON.stringify(toTfvars(deriveBus(settings)), null, 2)}\n`;
}
