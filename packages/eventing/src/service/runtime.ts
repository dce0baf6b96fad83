import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from 'pino';
import type { EventingConfig } from '../config';
import type { Outbox } from '../outbox/outbox';
import type { Producer } from '../outbox/producer';
import type { Publisher } from '../publisher';

/** What a service's own routes, tasks and receivers work with. */
export interface ServiceRuntime {
  config: EventingConfig;
  firestore: Firestore;
  publisher: Publisher;
  outbox: Outbox;
  /** The producer outbox: state and the events it causes in one transaction. */
  producer: Producer;
  logger: Logger;
}
