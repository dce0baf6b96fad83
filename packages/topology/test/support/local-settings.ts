import { CONSUMERS } from '@gpuaas/contracts';
import { type BusSettings, readEnvironmentFile, resolveEnvironment } from '../../src/index';

/** The committed local settings with every push app moved to the given base URLs. */
export function localSettingsAt(urls: Record<string, string>): BusSettings {
  const file = structuredClone(readEnvironmentFile('local'));
  for (const consumer of CONSUMERS) {
    const url = urls[consumer];
    if (url === undefined) throw new Error(`no receiver for ${consumer}`);
    file.consumers[consumer].baseUrl = url;
  }
  const replay = urls.replay;
  if (replay === undefined) throw new Error('no receiver for replay');
  file.replay.baseUrl = replay;
  const { settings, unresolved } = resolveEnvironment(file);
  if (unresolved.length > 0) throw new Error(`unresolved: ${unresolved.join(', ')}`);
  return settings;
}
