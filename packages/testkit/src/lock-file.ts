import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { tempNameFor } from './json-file';
import { isIdentityAlive, type ProcessIdentity, processIdentity } from './process-liveness';

/** Who holds a lock; the nonce tells two holders with one pid (or a recycled pid) apart. */
export interface LockOwner extends ProcessIdentity {
  nonce: string;
}

async function readRaw(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOwner(raw: string | undefined): LockOwner | undefined {
  if (raw === undefined) return undefined;
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

export async function readLockOwner(path: string): Promise<LockOwner | undefined> {
  return parseOwner(await readRaw(path));
}

/** link() of a complete file is atomic and fails with EEXIST: the lock never exists half-written. */
async function linkExclusive(path: string, owner: LockOwner): Promise<boolean> {
  const temp = tempNameFor(path);
  await writeFile(temp, JSON.stringify(owner), { mode: 0o600 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/**
 * Removes a lock whose owner is dead. Breakers serialize on a second lock and compare the content
 * (nonce included) under it: without that, two breakers could both see the dead owner and the
 * slower one would delete the lock that a successor took in between.
 */
async function breakStaleLock(path: string, staleRaw: string, me: LockOwner): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await linkExclusive(breaker, me))) {
    const holder = await readLockOwner(breaker);
    // Held for microseconds: a dead holder crashed inside it (the one window left, and a tiny one).
    if (holder && !isIdentityAlive(holder)) await unlink(breaker).catch(() => {});
    return;
  }
  try {
    if ((await readRaw(path)) === staleRaw) await unlink(path).catch(() => {});
  } finally {
    await unlink(breaker).catch(() => {});
  }
}

/**
 * Takes the lock for this process, or returns undefined while a live process holds it.
 * A lock left by a dead process (or with unreadable content) is recovered.
 */
export async function tryAcquireLock(path: string): Promise<LockOwner | undefined> {
  const me: LockOwner = { ...processIdentity(), nonce: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await linkExclusive(path, me)) return me;
    const raw = await readRaw(path);
    // Released between our link and our read: just try again.
    if (raw === undefined) continue;
    const owner = parseOwner(raw);
    if (owner && isIdentityAlive(owner)) return undefined;
    await breakStaleLock(path, raw, me);
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
  }
  return undefined;
}

/** Releases only our own lock: a successor's must survive a late release. */
export async function releaseLock(path: string, owner: LockOwner): Promise<void> {
  const current = await readLockOwner(path);
  if (current?.pid === owner.pid && current.nonce === owner.nonce)
    await unlink(path).catch(() => {});
}

export function isLockHeld(owner: LockOwner | undefined): owner is LockOwner {
  return !!owner && isIdentityAlive(owner);
}
