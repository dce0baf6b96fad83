import type { EmulatorName, SerializedError } from './errors';
import type { EmulatorCommands } from './installation';
import { readJson, writeJsonAtomic } from './json-file';
import type { ProcessIdentity } from './process-liveness';

export type SupervisorStatus = 'starting' | 'ready' | 'stopping' | 'failed';

/** state.json: written only by the lock holder, read by acquirers (who trust it only if the pids match). */
export interface SupervisorState {
  supervisor: ProcessIdentity & { nonce: string };
  status: SupervisorStatus;
  updatedAt: number;
  pubsubHost?: string;
  firestoreHost?: string;
  /** What we started (and must kill), so a successor can clean up after a SIGKILLed supervisor. */
  emulators?: (ProcessIdentity & { name: EmulatorName })[];
  error?: SerializedError;
}

/** Everything the supervisor needs, passed as JSON in TESTKIT_SUPERVISOR_CONFIG. */
export interface SupervisorConfig {
  stateDir: string;
  lingerMs: number;
  pollMs: number;
  host: string;
  pubsubPort?: number;
  firestorePort?: number;
  reuseRunning: boolean;
  startTimeoutMs: number;
  stopGraceMs: number;
  commands: EmulatorCommands;
}

export const SUPERVISOR_CONFIG_VAR = 'TESTKIT_SUPERVISOR_CONFIG';

export const readState = (path: string) => readJson<SupervisorState>(path);
export const writeState = (path: string, state: SupervisorState) => writeJsonAtomic(path, state);
