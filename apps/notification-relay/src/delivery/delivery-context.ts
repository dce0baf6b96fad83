import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import type { Post } from '../channels/http-post';
import type { RelayConfig } from '../config';
import type { Links } from '../domain/links';

/** What a delivery works with; `now` and `random` are the only clocks and dice. */
export interface DeliveryContext {
  firestore: Firestore;
  config: RelayConfig;
  log: Logger;
  links: Links;
  now: () => Date;
  random: () => number;
  /** POSTs to customer endpoints (public addresses only, unless allowed locally). */
  customerPost: Post;
  /** POSTs to the configured ops webhook. */
  opsPost: Post;
}

/** How one claimed delivery ended. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed' | 'disabled' | 'lost';
