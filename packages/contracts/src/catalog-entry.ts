import type { Static, TObject } from '@sinclair/typebox';
import type { ConsumerName, ProducerName } from './participants';

/** Payload schema per `MAJOR.MINOR`; published versions never change (see check:compat). */
export type PayloadVersions = { readonly [version: string]: TObject };

/** Maps a payload of major N to major N + 1, for the dual-consume window of a breaking change. */
// biome-ignore lint/suspicious/noExplicitAny: each upcaster is typed where it is declared
export type Upcaster = (payload: any) => unknown;

export interface CatalogEntry<
  T extends string = string,
  V extends PayloadVersions = PayloadVersions,
> {
  readonly eventType: T;
  readonly producer: ProducerName;
  /** The Producer column of EVENTS.md, verbatim. */
  readonly producerLabel: string;
  readonly consumers: readonly ConsumerName[];
  /** The Consumers column of EVENTS.md, verbatim, in the same order as `consumers`. */
  readonly consumerLabels: readonly string[];
  /** Payload fields whose values, joined with ':', form the dedupe key. */
  readonly idempotencyKey: readonly string[];
  readonly notes: string;
  readonly versions: V;
  /** The highest key of `versions` (spelled out so `PayloadOf` can name it at type level). */
  readonly latest: keyof V & string;
  /** Keyed by the major the upcaster reads. */
  readonly upcasters?: { readonly [fromMajor: number]: Upcaster };
}

type LatestPayload<E extends CatalogEntry> = Static<E['versions'][E['latest']]>;

/** Fields a key can be built from: present in every valid payload and string-valued. */
type KeyField<E extends CatalogEntry> = {
  [K in keyof LatestPayload<E>]-?: undefined extends LatestPayload<E>[K]
    ? never
    : LatestPayload<E>[K] extends string
      ? K
      : never;
}[keyof LatestPayload<E>] &
  string;

/** Declares one catalog row; the type parameters reject a key field the payload does not carry. */
export function defineEvent<const E extends CatalogEntry>(
  entry: E & { readonly idempotencyKey: readonly KeyField<E>[] },
): E {
  return entry;
}
