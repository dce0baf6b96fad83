import { CONSUMERS, type ConsumerName } from '@gpuaas/contracts';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import { archiveService, isServiceName, type ServiceName } from './services';
import type { BusSettings } from './settings';
import { TopologyError } from './topology-error';

const isConsumerName = (name: string): name is ConsumerName =>
  (CONSUMERS as readonly string[]).includes(name);

/**
 * The committed local settings with the push apps moved to the given base URLs: how tests and
 * local tools point the bus at apps on their own ports. A key is a service (every consumer it
 * hosts gets that URL plus its base path, `replay` also gets the dead-letter archive) or a
 * consumer (that URL is its own base URL, as is). Every consumer and the archive service must be
 * covered; nothing falls back to the `pnpm dev` ports.
 */
export function localSettingsAt(urls: Readonly<Record<string, string>>): BusSettings {
  const file = structuredClone(readEnvironmentFile('local'));
  delete file.serviceUrl;
  const serviceUrls: Partial<Record<ServiceName, string>> = {};
  const unknown: string[] = [];
  for (const [name, url] of Object.entries(urls)) {
    const known = isServiceName(name) || isConsumerName(name);
    if (!known) unknown.push(name);
    if (isServiceName(name)) serviceUrls[name] = url;
    if (isConsumerName(name)) {
      file.consumers ??= {};
      file.consumers[name] = { ...file.consumers[name], baseUrl: url };
    }
  }
  if (unknown.length > 0) {
    throw new TopologyError(
      'settings_invalid',
      `${unknown.join(', ')}: neither a service nor a consumer`,
    );
  }
  const { settings, unresolved } = resolveEnvironment(file, { serviceUrls });
  if (unresolved.length > 0) {
    const names = unresolved.map((path) =>
      path === 'replay.baseUrl'
        ? archiveService()
        : path.replace(/^consumers\.(.*)\.baseUrl$/, '$1'),
    );
    throw new TopologyError(
      'base_url_missing',
      `no base URL for ${names.join(', ')} (give its service's URL or its own)`,
    );
  }
  return settings;
}
