/**
 * Up to `limit` items, taken in turns across keys (at most `perKey` each), each key's items in
 * their order: one user's backlog never fills a whole tick.
 */
export function pickFairly<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  limit: number,
  perKey: number,
): T[] {
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const queue = queues.get(key);
    if (queue) queue.push(item);
    else queues.set(key, [item]);
  }
  const picked: T[] = [];
  for (let round = 0; round < perKey && picked.length < limit; round++) {
    let any = false;
    for (const queue of queues.values()) {
      const item = queue[round];
      if (item === undefined) continue;
      any = true;
      picked.push(item);
      if (picked.length >= limit) break;
    }
    if (!any) break;
  }
  return picked;
}
