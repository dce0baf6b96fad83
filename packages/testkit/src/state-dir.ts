import { mkdir } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface StatePaths {
  dir: string;
  /** Held by the live supervisor for its whole life. */
  lock: string;
  /** What the supervisor runs and how far it got (SupervisorState). */
  state: string;
  /** One file per test process: `<pid>-<random>`. */
  leases: string;
  log: string;
}

function userTag(): string {
  const uid = process.getuid?.();
  return uid === undefined ? userInfo().username : String(uid);
}

/** Per user, so two users on one machine never share (or fight over) a pair of emulators. */
export function resolveStateDir(stateDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  return stateDir ?? env.TESTKIT_STATE_DIR ?? join(tmpdir(), `gpuaas-testkit-${userTag()}`);
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    lock: join(dir, 'supervisor.lock'),
    state: join(dir, 'state.json'),
    leases: join(dir, 'leases'),
    log: join(dir, 'supervisor.log'),
  };
}

export async function ensureStateDir(paths: StatePaths): Promise<void> {
  // 0700: the state names processes this user may kill.
  await mkdir(paths.leases, { recursive: true, mode: 0o700 });
}
