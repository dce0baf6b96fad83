import { CONSUMERS } from '@gpuaas/contracts';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import type { BusSettings } from './settings';
import { TopologyError } from './topology-error';

/**
 * The committed local settings with every push app (each consumer, and `replay`) moved to the
 * given base URLs: how tests and local tools point the bus at apps on their own ports.
 */
export function localSettingsAt(urls: Readonly<Record<string, string>>): BusSettings {
  const file = structuredClone(readEnvironmentFile('local'));
  for (const consumer of CONSUMERS) {
    const url = urls[consumer];
    if (url === undefined)
      throw new TopologyError('base_url_missing', `no base URL for ${consumer}`);
    file.consumers[consumer].baseUrl = url;
  }
  const replay = urls.replay;
  if (replay === undefined) throw new TopologyError('base_url_missing', 'no base URL for replay');
  file.replay.baseUrl = replay;
  const { settings, unresolved } = resolveEnvironment(file);
  if (unresolved.length > 0) {
    throw new TopologyError('base_url_missing', `unresolved: ${unresolved.join(', ')}`);
  }
  return settings;
}
