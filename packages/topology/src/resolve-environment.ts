import { CONSUMERS, type ConsumerName } from '@gpuaas/contracts';
import {
  type EndpointFile,
  type EnvironmentFile,
  TIMING_FIELDS,
  type Timings,
} from './environment-file';
import {
  type BusSettings,
  type ConsumerSettings,
  type EndpointSettings,
  type PushAuth,
  SUBSCRIPTION_DEFAULTS,
} from './settings';

export interface ResolveContext {
  project?: string;
  projectNumber?: string;
  region?: string;
}

export interface ResolvedEnvironment {
  settings: BusSettings;
  /** Placeholders nothing filled in: endpoints (and push auth) stay undefined until they are given. */
  unresolved: string[];
}

/** Fills `{name}` placeholders; undefined when one has no value. */
function fill(template: string, values: Record<string, string | undefined>, missing: Set<string>) {
  let complete = true;
  const text = template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      complete = false;
      return '';
    }
    return value;
  });
  return complete ? text : undefined;
}

/** Turns a settings file into BusSettings for one project. */
export function resolveEnvironment(
  file: EnvironmentFile,
  context: ResolveContext = {},
): ResolvedEnvironment {
  const missing = new Set<string>();
  const region = context.region ?? file.region;
  const pushServiceAccount =
    file.pushAuth === 'oidc' && file.pushServiceAccount !== undefined
      ? fill(file.pushServiceAccount, { project: context.project }, missing)
      : undefined;

  function endpoint(entry: EndpointFile, path: string): EndpointSettings & Required<Timings> {
    const values = {
      project: context.project,
      projectNumber: context.projectNumber,
      region,
      service: entry.service,
    };
    const basePath = entry.basePath ?? '';
    const serviceUrl =
      file.serviceUrl === undefined ? undefined : fill(file.serviceUrl, values, missing);
    const baseUrl =
      entry.baseUrl ?? (serviceUrl === undefined ? undefined : `${serviceUrl}${basePath}`);
    if (baseUrl === undefined && file.serviceUrl === undefined) missing.add(`${path}.baseUrl`);
    // Cloud Run accepts its service URL as the token audience, so that is the default.
    const audience = entry.audience ?? serviceUrl ?? entry.baseUrl;
    let pushAuth: PushAuth | undefined;
    if (pushServiceAccount !== undefined && audience !== undefined) {
      pushAuth = { serviceAccountEmail: pushServiceAccount, audience };
    }
    return {
      ...SUBSCRIPTION_DEFAULTS,
      ...file.defaults,
      ...pickTimings(entry),
      service: entry.service,
      basePath,
      baseUrl,
      pushAuth,
    };
  }

  const consumers = Object.fromEntries(
    CONSUMERS.map((consumer) => [
      consumer,
      endpoint(file.consumers[consumer], `consumers.${consumer}`),
    ]),
  ) as Record<ConsumerName, ConsumerSettings>;
  const {
    leaseSeconds: _lease,
    maxDeliveryAttempts: _attempts,
    ...replay
  } = endpoint(file.replay, 'replay');
  return { settings: { consumers, replay }, unresolved: [...missing].sort() };
}

function pickTimings(entry: EndpointFile): Timings {
  const timings: Timings = {};
  for (const field of TIMING_FIELDS) {
    const value = entry[field];
    if (value !== undefined) timings[field] = value;
  }
  return timings;
}
