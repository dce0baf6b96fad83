import type { ServiceOptions } from '@gpuaas/eventing';
import { pushBasePaths } from '@gpuaas/topology/services';
import type { Post } from './channels/http-post';
import type { RelayConfig } from './config';
import { createRelayDelivery } from './delivery/relay-delivery';
import { createLinks } from './domain/links';
import { NOTIFIED_EVENT_TYPES } from './domain/notification';
import { relayApi } from './routes/relay-api';
import { notifyUser } from './subscriptions/notify-user';
import { opsReconcileFailed } from './subscriptions/ops-reconcile-failed';
import { deliverNotificationsTask } from './tasks/deliver-notifications';

/** What tests may replace; production passes nothing. */
export interface RelayServiceDeps {
  now?: () => Date;
  random?: () => number;
  post?: Post;
}

/**
 * The notification relay: the `notification-relay` consumer of eight event types and the `ops`
 * consumer of `reconcile_failed` (base path `/ops`), the delivery task and the user read API.
 */
export function notificationRelayService(
  config: RelayConfig,
  deps: RelayServiceDeps = {},
): ServiceOptions {
  const now = deps.now ?? (() => new Date());
  const links = createLinks({ consoleUrl: config.consoleUrl });
  const delivery = createRelayDelivery({ config, links, now, ...deps });
  const relay = { config, links, delivery };
  return {
    config: config.eventing,
    // One subscription per consumed event type: they differ only in their template.
    subscriptions: [
      ...NOTIFIED_EVENT_TYPES.map((type) => notifyUser(type, relay)),
      opsReconcileFailed(relay),
    ],
    basePaths: pushBasePaths('notification-relay'),
    tasks: [deliverNotificationsTask(delivery)],
    api: (runtime) => relayApi({ firestore: runtime.firestore, config, now }, runtime.logger),
  };
}

export type { RelayConfig } from './config';
export { loadRelayConfig } from './config';
