import type { Logger } from 'pino';
import type { PushMessage } from '../wire/push-message';
import type { ServiceRuntime } from './runtime';

export interface PushReceiverContext {
  runtime: ServiceRuntime;
  log: Logger;
}

/**
 * A push endpoint that takes messages as they are, outside the event pipeline: the replay app's
 * dead-letter archive (`/push/dead-letter/<consumer>`), which must accept any bytes. Same push
 * authentication and body limit as the event routes.
 */
export interface PushReceiver {
  /** Under `/push/`. */
  path: string;
  /** 'ack' answers 204; a retry answers 503 so Pub/Sub redelivers. */
  receive(message: PushMessage, ctx: PushReceiverContext): Promise<'ack' | { retry: string }>;
}

export function definePushReceiver(receiver: PushReceiver): PushReceiver {
  if (!receiver.path.startsWith('/push/')) {
    throw new Error(`push receiver path ${receiver.path} must start with /push/`);
  }
  return receiver;
}
