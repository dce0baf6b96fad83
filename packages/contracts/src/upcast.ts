import type { Upcaster } from './catalog-entry';

export type Upcasters = { readonly [fromMajor: number]: Upcaster };

/**
 * The major a message of `fromMajor` should be delivered as: itself if accepted, else the lowest
 * accepted newer major reachable through consecutive upcasters; undefined when none is.
 */
export function upcastTarget(
  fromMajor: number,
  accepted: readonly number[],
  upcasters: Upcasters | undefined,
): number | undefined {
  if (accepted.includes(fromMajor)) return fromMajor;
  let major = fromMajor;
  while (upcasters?.[major] !== undefined) {
    major += 1;
    if (accepted.includes(major)) return major;
  }
  return undefined;
}

/** Applies the upcasters from `fromMajor` up to `toMajor`, one major at a time. */
export function upcastPayload(
  payload: unknown,
  fromMajor: number,
  toMajor: number,
  upcasters: Upcasters | undefined,
): unknown {
  let current = payload;
  for (let major = fromMajor; major < toMajor; major += 1) {
    const upcast = upcasters?.[major];
    if (upcast === undefined) throw new RangeError(`no upcaster from major ${major}`);
    current = upcast(current);
  }
  return current;
}
