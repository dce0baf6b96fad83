import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from './json-file';
import { isIdentityAlive, type ProcessIdentity, processIdentity } from './process-liveness';

export interface Lease {
  path: string;
  release(): Promise<void>;
}

const held = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A process that exits without teardown gives its leases back at once instead of after a pid check.
  process.on('exit', () => {
    for (const path of held) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  });
}

/** Named `<pid>-<random>`: one process may hold several (vitest projects, tests), each released alone. */
export async function takeLease(leasesDir: string): Promise<Lease> {
  const path = join(leasesDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeJsonAtomic(path, processIdentity());
  held.add(path);
  installExitHook();
  return {
    path,
    async release() {
      held.delete(path);
      await unlink(path).catch(() => {});
    },
  };
}

/**
 * Counts leases whose process is alive and deletes the rest: a crashed test process leaves its
 * lease behind, and a dead pid (or a recycled one with another start time) must not hold the pair.
 */
export async function countLiveLeases(leasesDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(leasesDir);
  } catch {
    return 0;
  }
  let live = 0;
  for (const name of names) {
    if (name.endsWith('.tmp')) continue;
    const path = join(leasesDir, name);
    const pid = Number(name.split('-')[0]);
    const identity = (await readJson<ProcessIdentity>(path)) ?? { pid };
    if (isIdentityAlive({ ...identity, pid })) live++;
    else await unlink(path).catch(() => {});
  }
  return live;
}
