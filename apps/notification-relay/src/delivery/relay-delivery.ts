import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import { createHttpPost, type Post } from '../channels/http-post';
import type { RelayConfig } from '../config';
import type { Links } from '../domain/links';
import { createDeliveryRun, type DeliveryRun } from './delivery-run';

export interface RelayDeliveryOptions {
  config: RelayConfig;
  links: Links;
  now?: () => Date;
  random?: () => number;
  /** Replaces both transports (unit tests of the engine). */
  post?: Post;
}

/** Delivery on a service's own Firestore: the runtime builds the client, so it comes per call. */
export type RelayDelivery = (firestore: Firestore, log: Logger) => DeliveryRun;

export function createRelayDelivery(options: RelayDeliveryOptions): RelayDelivery {
  const { config, links } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const customerPost =
    options.post ??
    createHttpPost({
      timeoutMs: config.attemptTimeoutMs,
      allowPrivateNetworks: config.allowInsecureWebhooks,
      now,
    });
  // The ops URL is the operators' own setting, not a customer's: no address guard.
  const opsPost =
    options.post ??
    createHttpPost({ timeoutMs: config.attemptTimeoutMs, allowPrivateNetworks: true, now });
  return function relayDelivery(firestore, log) {
    return createDeliveryRun({ firestore, config, log, links, now, random, customerPost, opsPost });
  };
}
