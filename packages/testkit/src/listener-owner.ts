import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { processGroupMembers } from './process-liveness';

const LISTEN = '0A';

function listeningInodes(port: number): Set<string> | undefined {
  const inodes = new Set<string>();
  let readAny = false;
  // The JVM listens on an IPv6 socket even for 127.0.0.1 (as ::ffff:127.0.0.1): read both tables.
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9]) {
        inodes.add(fields[9]);
      }
    }
  }
  return readAny ? inodes : undefined;
}

function socketInodesOf(pid: number): string[] {
  const inodes: string[] = [];
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.push(match[1]);
      } catch {
        // The fd closed while we looked.
      }
    }
  } catch {
    // The process is gone.
  }
  return inodes;
}

/**
 * Whether the listener on `port` belongs to process group `pgid`; undefined where /proc cannot
 * tell. A free port can be grabbed by a parallel run between our probe and the JVM's bind, and
 * then "Ok" on the port would come from someone else's emulator.
 */
export function isListenerInGroup(port: number, pgid: number): boolean | undefined {
  const listening = listeningInodes(port);
  if (!listening) return undefined;
  if (listening.size === 0) return false;
  return processGroupMembers(pgid).some((pid) =>
    socketInodesOf(pid).some((inode) => listening.has(inode)),
  );
}
