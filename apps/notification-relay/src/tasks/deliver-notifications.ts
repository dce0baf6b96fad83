import { defineTask } from '@gpuaas/eventing';
import { tasksOf } from '@gpuaas/topology/services';
import type { RelayDelivery } from '../delivery/relay-delivery';

const NAME = 'deliver-notifications';
if (!tasksOf('notification-relay').some((task) => task.name === NAME)) {
  throw new Error(`the services table schedules no ${NAME} task for notification-relay`);
}

/**
 * `POST /tasks/deliver-notifications` (Cloud Scheduler, every minute): every due attempt, claimed
 * so that two ticks at once never send one attempt twice, all sent concurrently.
 */
export function deliverNotificationsTask(delivery: RelayDelivery) {
  return defineTask({
    name: NAME,
    async run({ runtime, log }) {
      const result = await delivery(runtime.firestore, log).tick();
      if (result.claimed > 0 || result.error > 0) {
        log[result.error > 0 ? 'warn' : 'info'](result, 'delivery tick');
      }
      return result;
    },
  });
}
