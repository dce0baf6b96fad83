/** Deeper than any event of the catalog nests; Firestore itself refuses maps past 20 levels. */
export const MAX_NESTING_DEPTH = 64;

/**
 * Whether a parsed JSON value nests arrays or objects deeper than `limit`, walked without
 * recursion: a 5,000-deep array must be a dead letter with a reason, not a stack overflow in the
 * code that reads it after us.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
