import { readFileSync } from 'node:fs';

/** The parent pid of `pid` from /proc (Linux), or undefined where there is none to read. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** This process's ancestors, nearest first, up to (not including) init. */
export function ancestors(): number[] {
  const chain: number[] = [];
  let pid: number | undefined = process.ppid;
  while (pid !== undefined && pid > 1 && chain.length < 32) {
    chain.push(pid);
    pid = parentOf(pid);
  }
  return chain;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Calls `onGone` once one of the processes that started us has died — `pnpm dev` killed on its
 * own, say, with nothing passed on to us — so nothing we started is left running.
 */
export function watchAncestors(onGone: (pid: number) => void, intervalMs = 1000): NodeJS.Timeout {
  const watched = ancestors();
  const timer = setInterval(() => {
    const gone = watched.find((pid) => !alive(pid));
    if (gone !== undefined) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
  return timer;
}
