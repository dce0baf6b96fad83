import { readdirSync, readFileSync } from 'node:fs';

/** A pid plus its kernel start time, so a recycled pid is not mistaken for the original. */
export interface ProcessIdentity {
  pid: number;
  startTime?: string;
}

interface ProcStat {
  state: string;
  pgrp: number;
  startTime: string;
}

/** Linux /proc/<pid>/stat; undefined elsewhere or when the process is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  let raw: string;
  try {
    raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  const [state, , pgrp] = fields;
  const startTime = fields[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return undefined;
  return { state, pgrp: Number(pgrp), startTime };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

function isZombieOrDead(state: string): boolean {
  return state === 'Z' || state === 'X' || state === 'x';
}

/** True while the process runs; an unreaped zombie counts as dead. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = hasProc ? readProcStat(pid) : undefined;
  return stat === undefined ? !hasProc : !isZombieOrDead(stat.state);
}

export function processIdentity(pid: number = process.pid): ProcessIdentity {
  const startTime = readProcStat(pid)?.startTime;
  return startTime === undefined ? { pid } : { pid, startTime };
}

/** Alive and still the same process (same start time where the OS tells us). */
export function isIdentityAlive(identity: ProcessIdentity): boolean {
  if (!isProcessAlive(identity.pid)) return false;
  if (identity.startTime === undefined) return true;
  const now = readProcStat(identity.pid)?.startTime;
  return now === undefined || now === identity.startTime;
}

/** Live (non-zombie) members of a process group. */
export function processGroupMembers(pgid: number): number[] {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? [pgid] : [];
    }
  }
  const members: number[] = [];
  for (const entry of readProcEntries()) {
    const stat = readProcStat(entry);
    if (stat && stat.pgrp === pgid && !isZombieOrDead(stat.state)) members.push(entry);
  }
  return members;
}

function readProcEntries(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}
