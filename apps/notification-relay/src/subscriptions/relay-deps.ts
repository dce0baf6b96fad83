import type { RelayConfig } from '../config';
import type { RelayDelivery } from '../delivery/relay-delivery';
import type { Links } from '../domain/links';

/** What the relay's subscriptions share. */
export interface RelayDeps {
  config: RelayConfig;
  links: Links;
  delivery: RelayDelivery;
}
