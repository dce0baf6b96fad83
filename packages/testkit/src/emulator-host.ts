import { EmulatorHostMissingError, type EmulatorName } from './errors';
import { EMULATOR_HOST_VARS } from './start-emulators';

/** An explicit host, else the environment variable the global setup (or `pnpm dev`) sets. */
export function emulatorHost(name: EmulatorName, host?: string): string {
  const resolved = host ?? process.env[EMULATOR_HOST_VARS[name]];
  if (!resolved) throw new EmulatorHostMissingError(EMULATOR_HOST_VARS[name]);
  return resolved;
}
