import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) fixed by (seed, purpose, key): the simulated provider's randomness, so a
 * run under one seed behaves the same whatever the order or timing of calls.
 */
export function seededDraw(seed: string, purpose: string, key: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${purpose}\u0000${key}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** An integer in [min, max] fixed by (seed, purpose, key). */
export function seededBetween(
  seed: string,
  purpose: string,
  key: string,
  [min, max]: readonly [number, number],
): number {
  return Math.floor(min + seededDraw(seed, purpose, key) * (max - min + 1));
}

/** A stable id from (seed, key): a retried create finds the instance it made. */
export function seededId(seed: string, prefix: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(`${seed}\u0000${key}`).digest('hex').slice(0, 20)}`;
}
