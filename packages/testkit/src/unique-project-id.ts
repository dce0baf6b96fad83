import { randomBytes } from 'node:crypto';

let counter = 0;
const MAX_LENGTH = 30;

/**
 * A fresh GCP-valid project id (lowercase letter first, [a-z0-9-], 6-30 chars, no trailing
 * hyphen) per call, so test files never share topics or documents on the shared emulators.
 * Unique across processes (pid, time) and across runs on a long-lived emulator (time, random).
 */
export function uniqueProjectId(prefix = 'test'): string {
  counter++;
  const suffix =
    Date.now().toString(36) +
    process.pid.toString(36) +
    counter.toString(36) +
    randomBytes(2).toString('hex');
  let head = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, Math.max(0, MAX_LENGTH - suffix.length - 1))
    .replace(/-+$/, '');
  if (!head) head = 't';
  return `${head}-${suffix}`.slice(0, MAX_LENGTH);
}
