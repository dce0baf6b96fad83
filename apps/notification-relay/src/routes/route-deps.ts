import type { Firestore } from '@google-cloud/firestore';
import type { RelayConfig } from '../config';

export interface RouteDeps {
  firestore: Firestore;
  config: RelayConfig;
  now: () => Date;
}
