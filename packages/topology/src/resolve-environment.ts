import { CONSUMERS, type ConsumerName } from '@gpuaas/contracts';
import {
  type EndpointFile,
  type EnvironmentFile,
  TIMING_FIELDS,
  type Timings,
} from './environment-file';
import { archiveService, basePathOf, localPort, type ServiceName, serviceOf } from './services';
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
  /** Base URL of a service, instead of the file's `serviceUrl` template (also the audience). */
  serviceUrls?: Readonly<Partial<Record<ServiceName, string>>>;
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

/**
 * Turns a settings file into BusSettings for one project: each consumer on the service the
 * services table puts it on, under its base path; the archive endpoint on the archive service.
 */
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

  function serviceUrlOf(service: ServiceName): string | undefined {
    const given = context.serviceUrls?.[service];
    if (given !== undefined) return given.replace(/\/+$/, '');
    if (file.serviceUrl === undefined) return undefined;
    return fill(
      file.serviceUrl,
      {
        project: context.project,
        projectNumber: context.projectNumber,
        region,
        service,
        localPort: String(localPort(service)),
      },
      missing,
    );
  }

  function endpoint(
    entry: EndpointFile,
    service: ServiceName,
    basePath: string,
    path: string,
  ): EndpointSettings & Required<Timings> {
    const serviceUrl = serviceUrlOf(service);
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
      service,
      basePath,
      baseUrl,
      pushAuth,
    };
  }

  const consumers = Object.fromEntries(
    CONSUMERS.map((consumer) => [
      consumer,
      endpoint(
        file.consumers?.[consumer] ?? {},
        serviceOf(consumer),
        basePathOf(consumer),
        `consumers.${consumer}`,
      ),
    ]),
  ) as Record<ConsumerName, ConsumerSettings>;
  const {
    leaseSeconds: _lease,
    maxDeliveryAttempts: _attempts,
    ...replay
  } = endpoint(file.replay ?? {}, archiveService(), '', 'replay');
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
